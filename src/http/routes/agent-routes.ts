import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { agentId } from '../../agents/agent-ref.js';
import type { AgentRoute } from '../../executor/agent-route.js';
import type { ExecuteOptions } from '../../executor/agent-response.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import { cacheModeOf } from '../cache-directives.js';
import { agentGuard, rateLimitOptions, servedRoute } from '../agent-guard.js';
import { toHttpProblem } from '../error-handler.js';
import type { GatewayServices } from '../gateway-services.js';
import { agentResponseSchema, executeBodySchema, agentNameParamsSchema } from '../schemas.js';
import { agentSseFormat } from '../streaming/agent-sse-format.js';
import { wantsEventStream } from '../streaming/event-stream-reply.js';
import { streamAgentResponse } from '../streaming/stream-agent-response.js';
import { checkExecuteAgainstAgent, fromExecuteBody, type ExecuteBody, type ExecuteRequest } from './execute-request.js';

type ExecuteRoute = { Params: { name: string }; Body: ExecuteBody };
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * `GET /v1/agents`, `GET /v1/agents/{name}`, `POST /v1/agents/{name}/execute`. `{name}` is an
 * agent's name (its newest version) or `name@version` (that version).
 */
export function registerAgentRoutes(app: FastifyInstance, gateway: GatewayServices): void {
  app.get('/v1/agents', async (request) => ({
    agents: gateway.executor.agents().filter((agent) => gateway.auth.mayUse(request.ossaCaller, agent.name)).map((agent) => summarize(gateway.executor.route(agentId(agent))!)),
  }));

  app.get<{ Params: { name: string } }>('/v1/agents/:name', { schema: { params: agentNameParamsSchema } }, async (request) => {
    return describe(servedRoute(gateway, request.ossaCaller, request.params.name, 'agents'));
  });

  // Read before the guard, so a request the agent cannot honour spends no rate-limit token.
  const executions = new WeakMap<FastifyRequest, ExecuteRequest>();
  app.post<ExecuteRoute>(
    '/v1/agents/:name/execute',
    {
      schema: { params: agentNameParamsSchema, body: executeBodySchema, response: { 200: agentResponseSchema } },
      preHandler: [
        // A callback hook: an async one costs a promise per request, and this waits for nothing.
        (request: FastifyRequest<ExecuteRoute>, _reply: FastifyReply, done: (error?: Error) => void) => {
          try {
            executions.set(request, fromExecuteBody(request.body));
            // Before the guard: a request its client may not make spends no rate-limit token.
            const mode = cacheModeOf(request.headers['cache-control'], request.body.cache);
            gateway.auth.authorizeCacheMode(request.ossaCaller, mode, mode === request.body.cache ? 'cache' : 'Cache-Control');
          } catch (error) {
            return done(error as Error);
          }
          done();
        },
        agentGuard<FastifyRequest<ExecuteRoute>>(gateway, (request) => request.params.name, (request, route) => checkExecuteAgainstAgent(executions.get(request)!, route.agent)),
      ],
    },
    async (request, reply) => {
      const { name } = request.params;
      const run = executions.get(request)!;
      const signal = abortOnDisconnect(request, reply);
      const userId = request.ossaCaller?.userId;
      const cache = cacheModeOf(request.headers['cache-control'], request.body.cache);
      // Assigned field by field: a request without tools pays for no spread of its absent parts.
      const options: Mutable<ExecuteOptions> = { requestId: String(request.id), signal, onCacheStatus: (status) => void reply.header('x-cache', status.toUpperCase()) };
      if (userId !== undefined) options.userId = userId;
      if (cache !== undefined) options.cache = cache;
      if (run.history !== undefined) options.history = run.history;
      if (run.instructions !== undefined) options.instructions = run.instructions;
      if (run.tools !== undefined) options.tools = run.tools;
      if (run.toolChoice !== undefined) options.toolChoice = run.toolChoice;
      if (run.parallelToolCalls !== undefined) options.parallelToolCalls = run.parallelToolCalls;
      if (run.responseFormat !== undefined) options.responseFormat = run.responseFormat;
      if (run.stop !== undefined) options.stop = run.stop;
      const limits = rateLimitOptions(request, reply);
      options.onRateLimit = limits.onRateLimit;
      if (limits.clientId !== undefined) options.clientId = limits.clientId;
      if (!wantsEventStream(request.body.stream, request.headers.accept)) return gateway.runner.execute(name, run.input, run.context, options);
      return streamAgentResponse(gateway, request, reply, gateway.runner.executeStream(name, run.input, run.context, options), {
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
  const { llm } = route.agent;
  const retry = route.retry;
  const first = route.targets?.find((t) => t.provider === route.usable[0]?.provider && t.model === route.usable[0]?.model) ?? route.targets?.[0];
  return {
    ...summarize(route),
    api_version: route.agent.apiVersion,
    temperature: route.temperature,
    max_tokens: route.maxTokens,
    ...(llm.topP !== undefined ? { top_p: llm.topP } : {}),
    ...(llm.frequencyPenalty !== undefined ? { frequency_penalty: llm.frequencyPenalty } : {}),
    ...(llm.presencePenalty !== undefined ? { presence_penalty: llm.presencePenalty } : {}),
    fallbacks: route.fallbacks,
    system_prompt_source: first?.systemPromptSource ?? route.agent.systemPromptSource,
    timeout_seconds: route.agent.timeoutSeconds ?? null,
    rate_limit: route.agent.rateLimit ? { requests_per_minute: route.agent.rateLimit.requestsPerMinute, burst_limit: route.agent.rateLimit.burstLimit } : null,
    retry: retry ? { max_attempts: retry.maxAttempts, backoff_strategy: retry.backoff, initial_delay_ms: retry.initialDelayMs, max_delay_ms: retry.maxDelayMs } : null,
    // How each target of the chain is asked: vendor extensions and fallback entries have their own settings.
    targets: (route.targets ?? []).map((t) => ({
      provider: t.provider,
      model: t.model,
      temperature: t.temperature,
      max_tokens: t.maxTokens,
      system_prompt_source: t.systemPromptSource,
      ...(t.stop ? { stop: t.stop } : {}),
      ...(t.trigger ? { trigger: describeTrigger(t.trigger) } : {}),
    })),
    // Each declared tool, the kind that runs it, and why it cannot run (no file path: clients see this).
    tools: route.agent.tools.map(({ name, description }) => {
      const declared = route.declaredTools?.find((tool) => tool.name === name);
      return {
        name,
        ...(description !== undefined ? { description } : {}),
        ...(declared ? { kind: declared.kind ?? null, runnable: declared.problem === undefined, ...(declared.problem ? { problem: `${declared.problem.path ?? ''}: ${declared.problem.message}` } : {}) } : {}),
      };
    }),
    warnings: route.warnings ?? route.agent.warnings,
    ...(route.unavailable ? { unavailable: route.unavailable } : {}),
  };
}

function describeTrigger(trigger: NonNullable<NonNullable<AgentRoute['targets']>[number]['trigger']>): Record<string, unknown> {
  return {
    on_error: trigger.onError,
    on_rate_limit: trigger.onRateLimit,
    on_timeout: trigger.onTimeout,
    error_codes: trigger.errorCodes,
    ...(trigger.latencyThresholdMs !== undefined ? { latency_threshold_ms: trigger.latencyThresholdMs } : {}),
    ...(trigger.maxRetries !== undefined ? { max_retries: trigger.maxRetries } : {}),
  };
}
