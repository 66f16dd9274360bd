import { CHAOS_SECRETS, saveChaosArtifact } from './chaos-artifacts.js';
import { agentManifest, startTestGateway, type TestGateway } from './gateway-harness.js';

/**
 * The fault scenarios' common gateway setup: every key comes from `CHAOS_SECRETS` through an
 * environment variable and a `${VAR}` in the config, as in production, so the final sweep can
 * tell whether any of them leaked into a log, an audit file, an error body or `/metrics`.
 */

/** The environment every chaos gateway gets: the fake keys under the names the config reads. */
export const CHAOS_ENV: Readonly<Record<string, string>> = {
  ANTHROPIC_API_KEY: CHAOS_SECRETS.anthropicKey,
  OPENAI_API_KEY: CHAOS_SECRETS.openaiKey,
  CHAOS_CLIENT_KEY: CHAOS_SECRETS.clientKey,
  CHAOS_ADMIN_KEY: CHAOS_SECRETS.adminKey,
  CHAOS_METRICS_TOKEN: CHAOS_SECRETS.metricsToken,
};

/** `security` keys: one client (`chaos`) and one admin key, both from `CHAOS_ENV`. */
export const CHAOS_SECURITY = {
  clients: [{ id: 'chaos', key: '${CHAOS_CLIENT_KEY}' }],
  admin_keys: ['${CHAOS_ADMIN_KEY}'],
  trust_user_header: true,
} as const;

/** `observability` keys: `/metrics` behind the fake metrics token. */
export const CHAOS_OBSERVABILITY = { metrics_token: '${CHAOS_METRICS_TOKEN}' } as const;

/** Headers of a client request as user `user` of the `chaos` client. */
export function clientHeaders(user = 'load'): Record<string, string> {
  return { authorization: `Bearer ${CHAOS_SECRETS.clientKey}`, 'x-user-id': user };
}

/** Fetches `/metrics` with the fake token and saves the text for the secret sweep (`<artifact>`). */
export async function scrapeMetrics(gatewayUrl: string, artifact: string): Promise<string> {
  const res = await fetch(`${gatewayUrl}/metrics`, { headers: { authorization: `Bearer ${CHAOS_SECRETS.metricsToken}` } });
  const text = await res.text();
  saveChaosArtifact(artifact, text);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return text;
}

/**
 * An in-process gateway for the fault scenarios: agent `support` on provider `claude` (whose
 * settings, and any fallback's, are `providers`), with the fake keys, the breaker and an audit
 * file; rate limiter and cache off, so every request reaches the upstream.
 */
export function startSupportGateway(providers: Record<string, unknown>): Promise<TestGateway> {
  return startTestGateway({
    ossa: {
      providers,
      rate_limit: { enabled: false },
      cache: { enabled: false },
      security: { ...CHAOS_SECURITY, audit: { path: 'audit/audit.jsonl' } },
      observability: CHAOS_OBSERVABILITY,
    },
    agents: { support: agentManifest('support', { provider: 'claude', model: 'claude-sonnet-4-5' }) },
    env: CHAOS_ENV,
  });
}
