import type { FastifyInstance } from 'fastify';
import { constantTimeEqual } from '../../secrets/constant-time-equal.js';
import type { GatewayServices } from '../gateway-services.js';
import { HttpProblem } from '../problem.js';
import { requestCredential } from '../request-credential.js';

/**
 * `GET /metrics`: the Prometheus exposition of this gateway's registry. Absent when
 * `observability.metrics: false`; with `observability.metrics_token`, a scraper must send it
 * as `Authorization: Bearer <token>` (compared in constant time).
 */
export function registerMetricsRoute(app: FastifyInstance, gateway: GatewayServices): void {
  const { collector, metricsToken } = gateway.observability;
  if (!collector) return;
  const token = metricsToken?.reveal();
  app.get('/metrics', async (request, reply) => {
    if (token !== undefined) {
      const presented = requestCredential(request);
      if (presented === undefined || !constantTimeEqual(presented, token)) {
        throw new HttpProblem(401, 'unauthorized', 'Unauthorized', 'this route needs the metrics token: send Authorization: Bearer <observability.metrics_token>', {}, {
          'www-authenticate': 'Bearer realm="ossa-gateway metrics"',
        });
      }
    }
    const { contentType, body } = await collector.scrape();
    return reply.header('cache-control', 'no-store').type(contentType).send(body);
  });
}
