import type { FastifyInstance } from 'fastify';
import type { GatewayServices } from '../gateway-services.js';

/**
 * `GET /metrics`: the Prometheus exposition of this gateway's registry. Absent when
 * `observability.metrics: false`; with `observability.metrics_token`, a scraper must send it
 * as `Authorization: Bearer <token>` (checked by the `Authenticator`, in constant time).
 */
export function registerMetricsRoute(app: FastifyInstance, gateway: GatewayServices): void {
  const { collector } = gateway.observability;
  if (!collector) return;
  app.get('/metrics', { onRequest: async (request) => gateway.auth.authorizeScrape(request) }, async (_request, reply) => {
    const { contentType, body } = await collector.scrape();
    return reply.header('cache-control', 'no-store').type(contentType).send(body);
  });
}
