import type { FastifyInstance } from 'fastify';
import type { ResponseCache } from '../../cache/response-cache.js';
import { AgentNotFoundError } from '../../executor/execution-errors.js';
import { requireAdmin } from '../auth/auth-hooks.js';
import type { GatewayServices } from '../gateway-services.js';
import { HttpProblem } from '../problem.js';
import { MAX_JSON_DEPTH } from '../json-depth.js';
import { agentNameParamsSchema } from '../schemas.js';

const invalidateBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'input'],
  properties: {
    agent: { type: 'string', maxLength: 253 },
    input: { type: 'string' },
    context: { type: 'object', maxDepth: MAX_JSON_DEPTH },
    client_id: { type: 'string', maxLength: 1024 },
    user_id: { type: 'string', maxLength: 2048 },
  },
} as const;

interface InvalidateBody {
  agent: string;
  input: string;
  context?: Record<string, unknown>;
  /** Whose entry, when the agent's cache is scoped by client (`security.clients[].id`). */
  client_id?: string;
  /** Whose entry, when the agent's cache is scoped by user (the audit records' `user_id`). */
  user_id?: string;
}

/**
 * Admin routes of the response cache, each behind an admin key:
 * `DELETE /v1/cache` (everything), `DELETE /v1/cache/agents/{name}` (one agent),
 * `POST /v1/cache/invalidate` `{agent, input, context, client_id?, user_id?}` (one response;
 * the client's or the user's when the agent's cache is scoped so, 400 without it). With a
 * shared store (Redis, a shared directory) the effect is seen by every gateway process at once.
 */
export function registerCacheRoutes(app: FastifyInstance, gateway: GatewayServices): void {
  const admin = { onRequest: requireAdmin(gateway.auth) };
  const act = async <T>(operation: (cache: ResponseCache) => Promise<T>): Promise<T> => {
    const cache = gateway.cache;
    if (!cache) throw new HttpProblem(409, 'cache-disabled', 'Cache disabled', 'the response cache is disabled (cache.enabled: false)');
    try {
      return await operation(cache);
    } catch (error) {
      if (error instanceof AgentNotFoundError || error instanceof HttpProblem) throw error;
      gateway.logger.warn({ err: error, store: cache.backend }, 'cache invalidation failed');
      throw new HttpProblem(503, 'cache-unavailable', 'Cache unavailable', `the ${cache.backend} cache store failed: ${(error as Error).message}`);
    }
  };

  app.delete('/v1/cache', admin, async () => {
    await act((cache) => cache.clearAll());
    return { cleared: 'all' };
  });

  app.delete<{ Params: { name: string } }>('/v1/cache/agents/:name', { ...admin, schema: { params: agentNameParamsSchema } }, async (request) => {
    await act((cache) => cache.invalidateAgent(request.params.name));
    return { cleared: 'agent', agent: request.params.name };
  });

  app.post<{ Body: InvalidateBody }>('/v1/cache/invalidate', { ...admin, schema: { body: invalidateBodySchema } }, async (request) => {
    const { agent, input, context = {}, client_id: clientId, user_id: userId } = request.body;
    const removed = await act((cache) => {
      if (!gateway.executor.route(agent)) throw new AgentNotFoundError(agent);
      const scope = cache.scopeOf(agent);
      const missing = scope === 'client' && clientId === undefined ? 'client_id' : scope === 'user' && userId === undefined ? 'user_id' : undefined;
      if (missing !== undefined) {
        throw new HttpProblem(400, 'invalid-request', 'Invalid request', `agent "${agent}" caches per ${scope} (cache.scope): name whose entry to remove with ${missing}`, { param: missing });
      }
      return cache.invalidateResponse(agent, input, context, { ...(clientId !== undefined ? { clientId } : {}), ...(userId !== undefined ? { userId } : {}) });
    });
    return { cleared: 'response', agent, removed };
  });
}
