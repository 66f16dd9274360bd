import type { FastifyInstance } from 'fastify';
import type { ProviderDescription } from '../../observability/status/live-status.js';
import { requireAdmin } from '../auth/auth-hooks.js';
import type { GatewayServices } from '../gateway-services.js';
import { STATUS_PAGE_HEADERS, STATUS_PAGE_HTML } from '../status-page/status-page.js';

/**
 * `GET /status`, the live status page (self-contained HTML), and `GET /status.json`, the data
 * it polls every second. Admin routes: open in an open dev gateway, else an admin key (a
 * browser's login prompt sends it as the Basic password), see `Authenticator.authorizeAdmin`.
 */
export function registerStatusRoutes(app: FastifyInstance, gateway: GatewayServices): void {
  const admin = { onRequest: requireAdmin(gateway.auth) };
  const providers = (): ProviderDescription[] =>
    [...gateway.catalog.values()].map((entry) => ({
      name: entry.name,
      type: entry.type,
      ...(entry.disabledReason !== undefined ? { disabledReason: entry.disabledReason } : {}),
    }));

  app.get('/status', admin, async (_request, reply) => reply.headers(STATUS_PAGE_HEADERS).send(STATUS_PAGE_HTML));

  app.get('/status.json', admin, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const snapshot = gateway.observability.status.snapshot(providers());
    if (!gateway.budgets) return snapshot;
    // Read from the store, so every process shows the shared spend; a store that fails shows why instead.
    const budgets = await gateway.budgets.status(gateway.executor.agents()).catch((error: unknown) => ({ error: `budget store (${gateway.budgets!.backend}) failed: ${error instanceof Error ? error.message : String(error)}` }));
    return { ...snapshot, budgets };
  });
}
