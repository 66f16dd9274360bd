import type { FastifyInstance } from 'fastify';
import type { GatewayServices, ReadinessCheck } from '../gateway-services.js';

/** `GET /healthz` (the process answers) and `GET /readyz` (it can serve agents). */
export function registerHealthRoutes(app: FastifyInstance, gateway: GatewayServices): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks: ReadinessCheck[] = [];
    for (const probe of gateway.readinessProbes) {
      try {
        const result = await probe();
        checks.push(...(Array.isArray(result) ? result : [result]));
      } catch (error) {
        checks.push({ name: 'probe', status: 'fail', detail: (error as Error).message });
      }
    }
    if (gateway.draining) checks.push({ name: 'server', status: 'fail', detail: 'shutting down' });
    const status = checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'degraded') ? 'degraded' : 'ok';
    return reply.code(status === 'fail' ? 503 : 200).send({ status, checks });
  });
}
