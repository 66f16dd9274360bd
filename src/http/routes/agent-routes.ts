import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AgentRoute } from '../../executor/agent-route.js';
import type { CacheMode, ExecuteOptions, ExecutionContext } from '../../executor/agent-response.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import { agentGuard, agentNotFound, rateLimitOptions } from '../agent-guard.js';
import { toHttpProblem } from '../error-handler.js';
import type { GatewayServices } from '../gateway-services.js';
import { agentResponseSchema, executeBodySchema, agentNameParamsSchema } from '../schemas.js';
import { agentSseFormat } from '../streaming/agent-sse-format.js';
import { wantsEventStream } from '../streaming/event-stream-reply.js';
import { streamAgentResponse } from '../streaming/stream-agent-response.js';

interface ExecuteBody {
  input: string;
  context?: ExecutionContext;
  cache?: CacheMode;
  stream?: boolean;
}

/** `GET /v1/agents`, `GET /v1/agents/{name}`, `POST /v1/agents/{name}/execute`. */
export function registerAgentRoutes(app: FastifyInstance, gateway: GatewayServices): void {
  app.get('/v1/agents', async (request) => ({
    agents: gateway.executor.agents().filter((agent) => gateway.auth.mayUse(request.ossaCaller, agent.name)).map((agent) => summarize(gateway.executor.route(agent.name)!)),
  }));

  app.get<{ Params: { name: string } }>('/v1/agents/:name', { schema: { params: agentNameParamsSchema } }, async (request) => {
    gateway.auth.authorizeAgent(request.ossaCaller, request.params.name);
    const route = gateway.executor.route(request.params.name);
    if (!route) throw agentNotFound(gateway, request.ossaCaller, request.params.name);
    return describe(route);
  });

  app.post<{ Params: { name: string }; Body: ExecuteBody }>(
    '/v1/agents/:name/execute',
    {
      schema: { params: agentNameParamsSchema, body: executeBodySchema, response: { 200: agentResponseSchema } },
      preHandler: agentGuard<FastifyRequest<{ Params: { name: string } }>>(gateway, (request) => request.params.name),
    },
    async (request, reply) => {
      const { name } = request.params;
      const { input, context = {} } = request.body;
      const signal = abortOnDisconnect(request, reply);
      const userId = request.ossaCaller?.userId;
      const options: ExecuteOptions = {
        requestId: String(request.id),
        signal,
        ...(userId !== undefined ? { userId } : {}),
        ...(request.body.cache !== undefined ? { cache: request.body.cache } : {}),
        onCacheStatus: (status) => void reply.header('x-cache', status.toUpperCase()),
        ...rateLimitOptions(request, reply),
      };
      if (!wantsEventStream(request.body.stream, request.headers.accept)) return gateway.runner.execute(name, input, context, options);
      return streamAgentResponse(gateway, request, reply, gateway.runner.executeStream(name, input, context, options), {
        signal,
        formatFor: () => agentSseFormat(request.url, String(request.id)),
        toProblem: (error) => toHttpProblem(error),
      });
    },
  );
}

function summarize(route: AgentRoute): Record<string, unknown> {
  const serving = route.usable[0];
  return {
    name: route.agent.name,
    version: route.agent.version,
    description: route.agent.description,
    provider: route.primary.provider,
    model: route.primary.model,
    status: route.unavailable ? 'unavailable' : serving && serving.provider !== route.primary.provider ? 'degraded' : 'ready',
    ...(serving && serving.provider !== route.primary.provider ? { serving } : {}),
  };
}

function describe(route: AgentRoute): Record<string, unknown> {
  return {
    ...summarize(route),
    api_version: route.agent.apiVersion,
    temperature: route.temperature,
    max_tokens: route.maxTokens,
    fallbacks: route.fallbacks,
    system_prompt_source: route.agent.systemPromptSource,
    timeout_seconds: route.agent.timeoutSeconds ?? null,
    rate_limit: route.agent.rateLimit ? { requests_per_minute: route.agent.rateLimit.requestsPerMinute, burst_limit: route.agent.rateLimit.burstLimit } : null,
    tools: route.agent.tools,
    ...(route.unavailable ? { unavailable: route.unavailable } : {}),
  };
}
