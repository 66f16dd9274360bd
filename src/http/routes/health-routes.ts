import type { FastifyInstance } from 'fastify';
import type { GatewayServices, ReadinessCheck } from '../gateway-services.js';

/**
 * `GET /healthz` (the process answers) and `GET /readyz` (it can serve agents). `/readyz` is
 * open, for load balancers: it says each check's name and status to anyone, and its details
 * (why a provider is disabled, which agents cannot run: secret file paths, variable names)
 * only to a request with an admin key (or in an open dev gateway).
 */
export function registerHealthRoutes(app: FastifyInstance, gateway: GatewayServices): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
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
    const shown = gateway.auth.mayReadAdminDetails(request) ? checks : checks.map(({ name, status: checkStatus }) => ({ name, status: checkStatus }));
    return reply.code(status === 'fail' ? 503 : 200).header('cache-control', 'no-store').send({ status, checks: shown });
  });
}
