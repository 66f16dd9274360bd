import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExecuteOptions } from '../../executor/agent-response.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import { agentGuard, rateLimitOptions } from '../agent-guard.js';
import { callerOf } from '../auth/auth-hooks.js';
import { cacheModeOf } from '../cache-directives.js';
import { toHttpProblem } from '../error-handler.js';
import type { GatewayServices } from '../gateway-services.js';
import { streamAgentResponse } from '../streaming/stream-agent-response.js';
import { responsesEventFormat } from './responses-event-format.js';
import { checkResponsesAgainstAgent, fromResponsesRequest, type ResponsesRequest, type ResponsesRequestBody } from './responses-request.js';
import { responsesBodySchema } from './responses-schemas.js';
import { responsesId, toResponsesResponse, type ResponsesHead } from './to-responses-response.js';

type ResponsesRoute = { Body: ResponsesRequestBody };
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The Responses API has no context: the client's instructions are `ExecuteOptions.instructions`. */
const NO_CONTEXT = Object.freeze({});

/**
 * `POST /v1/responses`, OpenAI's Responses API, stateless: the request's `model` is an agent's
 * name or a pass-through model's id (`models.<id>`: the client's instructions, tools and
 * settings go as given, no agent prompt); the answer is a `response` object, or with
 * `"stream": true` its events. Register it
 * inside the OpenAI-compatible plugin (its error handler answers every error in OpenAI's
 * shape, body validation included), where the client-key hook applies: it runs the pipeline
 * chat completions run (auth, the agent guard, rate limits, cache, breaker, fallback, audit,
 * metrics, traces). Client tools, tool results and text formats go to the model;
 * `Cache-Control: no-cache` / `no-store` choose the cache mode.
 */
export function registerResponsesRoute(app: FastifyInstance, gateway: GatewayServices): void {
  // Read before the guard, so a request the agent cannot honour spends no rate-limit token.
  const requests = new WeakMap<FastifyRequest, ResponsesRequest>();
  app.post<ResponsesRoute>(
    '/v1/responses',
    {
      schema: { body: responsesBodySchema },
      preHandler: [
        (request: FastifyRequest<ResponsesRoute>, _reply: FastifyReply, done: (error?: Error) => void) => {
          try {
            requests.set(request, fromResponsesRequest(request.body));
            // Before the guard: a request its client may not make spends no rate-limit token.
            gateway.auth.authorizeCacheMode(request.ossaCaller, cacheModeOf(request.headers['cache-control']), 'Cache-Control');
          } catch (error) {
            return done(error as Error);
          }
          done();
        },
        agentGuard<FastifyRequest<ResponsesRoute>>(
          gateway,
          (request) => request.body.model,
          (request, route) => checkResponsesAgainstAgent(requests.get(request)!, route.agent),
          'agents-and-models',
        ),
      ],
    },
    async (request, reply) => {
      const call = requests.get(request)!;
      const signal = abortOnDisconnect(request, reply);
      const cache = cacheModeOf(request.headers['cache-control']);
      const options: Mutable<ExecuteOptions> = {
        requestId: String(request.id), signal, userId: callerOf(request).userId, history: call.history,
        onCacheStatus: (status) => void reply.header('x-cache', status.toUpperCase()),
      };
      if (call.instructions !== undefined) options.instructions = call.instructions;
      if (call.temperature !== undefined) options.temperature = call.temperature;
      if (call.maxTokens !== undefined) options.maxTokens = call.maxTokens;
      if (call.tools.length > 0) options.tools = call.tools;
      if (call.toolChoice !== undefined) options.toolChoice = call.toolChoice;
      if (call.parallelToolCalls !== undefined) options.parallelToolCalls = call.parallelToolCalls;
      if (call.responseFormat !== undefined) options.responseFormat = call.responseFormat;
      if (cache !== undefined) options.cache = cache;
      // A pass-through model gets the client's top_p; an agent's manifest settles it.
      if (call.topP !== undefined && gateway.executor.route(call.agent)?.passThrough !== undefined) options.topP = call.topP;
      const limits = rateLimitOptions(request, reply);
      options.onRateLimit = limits.onRateLimit;
      if (limits.clientId !== undefined) options.clientId = limits.clientId;
      const head: ResponsesHead = { id: responsesId(String(request.id)), createdAt: Math.floor(Date.now() / 1000), model: call.agent, echo: call.echo };
      if (!call.stream) return toResponsesResponse(await gateway.runner.execute(call.agent, call.input, NO_CONTEXT, options), head);
      return streamAgentResponse(gateway, request, reply, gateway.runner.executeStream(call.agent, call.input, NO_CONTEXT, options), {
        signal,
        formatFor: (start) => responsesEventFormat(head, start.request_id),
        toProblem: (error) => toHttpProblem(error),
      });
    },
  );
}
