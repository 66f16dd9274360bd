import type { FastifyInstance } from 'fastify';
import type { ProviderDescription } from '../../observability/status/live-status.js';
import type { GatewayServices } from '../gateway-services.js';
import { requireAdminKey } from '../require-admin-key.js';
import { STATUS_PAGE_HEADERS, STATUS_PAGE_HTML } from '../status-page/status-page.js';

/**
 * `GET /status`, the live status page (self-contained HTML), and `GET /status.json`, the data
 * it polls every second. Both need an admin key when `security.clients` is configured.
 */
export function registerStatusRoutes(app: FastifyInstance, gateway: GatewayServices): void {
  const guard = requireAdminKey(gateway.observability.adminAccess);
  const providers = (): ProviderDescription[] =>
    [...gateway.catalog.values()].map((entry) => ({
      name: entry.name,
      type: entry.type,
      ...(entry.disabledReason !== undefined ? { disabledReason: entry.disabledReason } : {}),
    }));

  app.get('/status', { onRequest: guard }, async (_request, reply) => reply.headers(STATUS_PAGE_HEADERS).send(STATUS_PAGE_HTML));

  app.get('/status.json', { onRequest: guard }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return gateway.observability.status.snapshot(providers());
  });
}
