import type { FastifyInstance } from 'fastify';
import type { ProviderEntry } from '../../providers/provider-catalog.js';
import { requireAdmin } from '../auth/auth-hooks.js';
import type { GatewayServices } from '../gateway-services.js';

/**
 * `GET /v1/providers`: every configured provider with its type, whether it is enabled (and
 * why not), where its key comes from (`env:ANTHROPIC_API_KEY`, never the key), its base URL
 * without credentials, and its circuit breaker's state. An admin route: it describes the
 * deployment (internal hosts, secret file paths), which is the operator's business.
 */
export function registerProviderRoutes(app: FastifyInstance, gateway: GatewayServices): void {
  app.get('/v1/providers', { onRequest: requireAdmin(gateway.auth) }, async () => ({
    providers: [...gateway.catalog.values()].map((entry) => describeProvider(entry, gateway)),
  }));
}

function describeProvider(entry: ProviderEntry, gateway: GatewayServices): Record<string, unknown> {
  const breaker = gateway.circuits.get(entry.name);
  return {
    name: entry.name,
    type: entry.type,
    enabled: entry.provider !== undefined,
    ...(entry.disabledReason !== undefined ? { disabled_reason: entry.disabledReason } : {}),
    model: entry.config.model ?? null,
    base_url: safeUrl(entry.config.base_url),
    key_origin: entry.keyOrigin ?? null,
    timeout_seconds: entry.config.timeout,
    max_retries: entry.config.max_retries,
    fallback_providers: entry.config.circuit_breaker.fallback_providers,
    circuit: breaker ? breaker.toJSON() : { state: 'disabled' },
  };
}

/** The URL without user:password (a proxy URL may carry credentials). */
function safeUrl(url: string | undefined): string | null {
  if (url === undefined) return null;
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return null;
  }
}
