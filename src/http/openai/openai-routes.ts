import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExecuteOptions } from '../../executor/agent-response.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import { callerOf } from '../auth/auth-hooks.js';
import { agentGuard, rateLimitOptions, servedRoute, visibleNames } from '../agent-guard.js';
import { toHttpProblem } from '../error-handler.js';
import type { GatewayServices } from '../gateway-services.js';
import { streamAgentResponse } from '../streaming/stream-agent-response.js';
import { cacheModeOf } from '../cache-directives.js';
import { registerResponsesRoute } from '../responses/responses-route.js';
import { checkChatAgainstAgent, fromOpenAIChatRequest, type ChatRequest, type OpenAIChatRequestBody } from './openai-chat-request.js';
import { openAIChunkFormat } from './openai-chunk-format.js';
import { chatCompletionBodySchema, modelParamsSchema } from './openai-schemas.js';
import { openAICompletionId, toOpenAIChatCompletion } from './to-openai-chat-completion.js';
import { sendOpenAIError } from './to-openai-error.js';
import { toOpenAIModel } from './to-openai-model.js';
import { isAnthropicRequest } from '../anthropic/anthropic-paths.js';
import { anthropicModelsQuerySchema } from '../anthropic/anthropic-schemas.js';
import { sendAnthropicError } from '../anthropic/to-anthropic-error.js';
import { toAnthropicModel, toAnthropicModelPage } from '../anthropic/to-anthropic-model.js';

type ChatRoute = { Body: OpenAIChatRequestBody };
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** OpenAI's API has no context: the client's instructions are `ExecuteOptions.instructions`. */
const NO_CONTEXT = Object.freeze({});

/**
 * The OpenAI-compatible API, so any OpenAI client (SDKs, LangChain, IDE plugins) can call the
 * agents and the pass-through models: `POST /v1/chat/completions` (the request's `model` is an
 * agent's name or a model's id; JSON, or SSE chunks with `"stream": true`), `POST /v1/responses`
 * (`registerResponsesRoute`), `GET /v1/models` and `GET /v1/models/{model}` (the agents and
 * models the client may use). Register it where the client-key hook applies: it runs the same pipeline
 * as `POST /v1/agents/{name}/execute` (auth, the agent guard with its rate limits, cache,
 * breaker, fallback, audit, metrics). Client tools, tool results, response formats and stop
 * sequences go to the model; `Cache-Control: no-cache` / `no-store` choose the cache mode.
 * Every error, its own validation included, is answered in OpenAI's error shape.
 */
export async function openAIRoutes(app: FastifyInstance, { gateway }: { gateway: GatewayServices }): Promise<void> {
  const visibleAgents = (request: FastifyRequest): string[] => visibleNames(gateway, request.ossaCaller, 'agents-and-models');
  app.setErrorHandler((error, request, reply) => {
    const problem = toHttpProblem(error, () => visibleAgents(request));
    if (problem.status >= 500 && problem.slug === 'internal-error') request.log.error({ err: error }, 'unhandled error');
    // An Anthropic client listing models gets Anthropic's error shape.
    return isAnthropicRequest(request.url, request.headers) ? sendAnthropicError(reply, problem) : sendOpenAIError(reply, problem);
  });
  // Models are listed as existing since the gateway loaded its agents.
  const loadedAt = Math.floor(Date.now() / 1000);
  const loadedAtText = new Date(loadedAt * 1000).toISOString().replace('.000Z', 'Z');

  // With `anthropic-version` (only Anthropic clients send it), in Anthropic's shape, paginated as its API is.
  app.get<{ Querystring: { limit?: string; after_id?: string; before_id?: string } }>('/v1/models', { schema: { querystring: anthropicModelsQuerySchema } }, async (request) =>
    request.headers['anthropic-version'] !== undefined
      ? toAnthropicModelPage(visibleAgents(request), loadedAtText, request.query)
      : { object: 'list', data: visibleAgents(request).map((name) => toOpenAIModel(name, loadedAt)) },
  );

  app.get<{ Params: { model: string } }>('/v1/models/:model', { schema: { params: modelParamsSchema } }, async (request) => {
    const name = request.params.model;
    servedRoute(gateway, request.ossaCaller, name, 'agents-and-models');
    return request.headers['anthropic-version'] !== undefined ? toAnthropicModel(name, loadedAtText) : toOpenAIModel(name, loadedAt);
  });

  // Read before the guard, so a request the agent cannot honour spends no rate-limit token.
  const chats = new WeakMap<FastifyRequest, ChatRequest>();
  app.post<ChatRoute>(
    '/v1/chat/completions',
    {
      schema: { body: chatCompletionBodySchema },
      preHandler: [
        (request: FastifyRequest<ChatRoute>, _reply: FastifyReply, done: (error?: Error) => void) => {
          try {
            chats.set(request, fromOpenAIChatRequest(request.body));
            // Before the guard: a request its client may not make spends no rate-limit token.
            gateway.auth.authorizeCacheMode(request.ossaCaller, cacheModeOf(request.headers['cache-control']), 'Cache-Control');
          } catch (error) {
            return done(error as Error);
          }
          done();
        },
        agentGuard<FastifyRequest<ChatRoute>>(gateway, (request) => request.body.model, (request, route) => checkChatAgainstAgent(chats.get(request)!, route.agent), 'agents-and-models'),
      ],
    },
    async (request, reply) => {
      const chat = chats.get(request)!;
      const signal = abortOnDisconnect(request, reply);
      const userId = callerOf(request).userId;
      const cache = cacheModeOf(request.headers['cache-control']);
      // Assigned field by field: a request without tools pays for no spread of its absent parts.
      const options: Mutable<ExecuteOptions> = { requestId: String(request.id), signal, userId, history: chat.history, onCacheStatus: (status) => void reply.header('x-cache', status.toUpperCase()) };
      if (chat.instructions !== undefined) options.instructions = chat.instructions;
      if (chat.temperature !== undefined) options.temperature = chat.temperature;
      if (chat.maxTokens !== undefined) options.maxTokens = chat.maxTokens;
      if (chat.tools.length > 0) options.tools = chat.tools;
      if (chat.toolChoice !== undefined) options.toolChoice = chat.toolChoice;
      if (chat.parallelToolCalls !== undefined) options.parallelToolCalls = chat.parallelToolCalls;
      if (chat.responseFormat !== undefined) options.responseFormat = chat.responseFormat;
      if (chat.stop !== undefined) options.stop = chat.stop;
      if (cache !== undefined) options.cache = cache;
      // A pass-through model gets the client's sampling settings; an agent's manifest settles them.
      if (gateway.executor.route(chat.agent)?.passThrough !== undefined) {
        if (chat.topP !== undefined) options.topP = chat.topP;
        if (chat.frequencyPenalty !== undefined) options.frequencyPenalty = chat.frequencyPenalty;
        if (chat.presencePenalty !== undefined) options.presencePenalty = chat.presencePenalty;
      }
      const limits = rateLimitOptions(request, reply);
      options.onRateLimit = limits.onRateLimit;
      if (limits.clientId !== undefined) options.clientId = limits.clientId;
      const created = Math.floor(Date.now() / 1000);
      if (!chat.stream) return toOpenAIChatCompletion(await gateway.runner.execute(chat.agent, chat.input, NO_CONTEXT, options), created);
      return streamAgentResponse(gateway, request, reply, gateway.runner.executeStream(chat.agent, chat.input, NO_CONTEXT, options), {
        signal,
        formatFor: (start) => openAIChunkFormat({ id: openAICompletionId(start.request_id), created, model: chat.agent, includeUsage: chat.includeUsage }),
        toProblem: (error) => toHttpProblem(error),
      });
    },
  );

  registerResponsesRoute(app, gateway);
}
