import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ExecuteOptions } from '../../executor/agent-response.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import { callerOf } from '../auth/auth-hooks.js';
import { agentGuard, agentNotFound, rateLimitOptions } from '../agent-guard.js';
import { toHttpProblem } from '../error-handler.js';
import type { GatewayServices } from '../gateway-services.js';
import { streamAgentResponse } from '../streaming/stream-agent-response.js';
import { fromOpenAIChatRequest, type ChatRequest, type OpenAIChatRequestBody } from './openai-chat-request.js';
import { openAIChunkFormat } from './openai-chunk-format.js';
import { chatCompletionBodySchema, modelParamsSchema } from './openai-schemas.js';
import { openAICompletionId, toOpenAIChatCompletion } from './to-openai-chat-completion.js';
import { sendOpenAIError } from './to-openai-error.js';
import { toOpenAIModel } from './to-openai-model.js';

type ChatRoute = { Body: OpenAIChatRequestBody };

/**
 * The OpenAI-compatible API, so any OpenAI client (SDKs, LangChain, IDE plugins) can call the
 * agents: `POST /v1/chat/completions` (the request's `model` is an agent's name; JSON, or SSE
 * chunks with `"stream": true`), `GET /v1/models` and `GET /v1/models/{model}` (the agents the
 * client may use). Register it where the client-key hook applies: it runs the same pipeline
 * as `POST /v1/agents/{name}/execute` (auth, the agent guard with its rate limits, cache,
 * breaker, fallback, audit, metrics). Every error, its own validation included, is answered
 * in OpenAI's error shape.
 */
export async function openAIRoutes(app: FastifyInstance, { gateway }: { gateway: GatewayServices }): Promise<void> {
  const visibleAgents = (request: FastifyRequest): string[] =>
    gateway.executor.agents().map((agent) => agent.name).filter((name) => gateway.auth.mayUse(request.ossaCaller, name));
  app.setErrorHandler((error, request, reply) => {
    const problem = toHttpProblem(error, () => visibleAgents(request));
    if (problem.status >= 500 && problem.slug === 'internal-error') request.log.error({ err: error }, 'unhandled error');
    return sendOpenAIError(reply, problem);
  });
  // Models are listed as existing since the gateway loaded its agents.
  const loadedAt = Math.floor(Date.now() / 1000);

  app.get('/v1/models', async (request) => ({
    object: 'list',
    data: visibleAgents(request).map((name) => toOpenAIModel(name, loadedAt)),
  }));

  app.get<{ Params: { model: string } }>('/v1/models/:model', { schema: { params: modelParamsSchema } }, async (request) => {
    const name = request.params.model;
    gateway.auth.authorizeAgent(request.ossaCaller, name);
    if (!gateway.executor.route(name)) throw agentNotFound(gateway, request.ossaCaller, name);
    return toOpenAIModel(name, loadedAt);
  });

  // Read before the guard, so a request the agent cannot honour spends no rate-limit token.
  const chats = new WeakMap<FastifyRequest, ChatRequest>();
  app.post<ChatRoute>(
    '/v1/chat/completions',
    {
      schema: { body: chatCompletionBodySchema },
      preHandler: [
        async (request: FastifyRequest<ChatRoute>) => void chats.set(request, fromOpenAIChatRequest(request.body)),
        agentGuard<FastifyRequest<ChatRoute>>(gateway, (request) => request.body.model),
      ],
    },
    async (request, reply) => {
      const chat = chats.get(request)!;
      const signal = abortOnDisconnect(request, reply);
      const userId = callerOf(request).userId;
      const options: ExecuteOptions = {
        requestId: String(request.id),
        signal,
        userId,
        history: chat.history,
        ...(chat.temperature !== undefined ? { temperature: chat.temperature } : {}),
        ...(chat.maxTokens !== undefined ? { maxTokens: chat.maxTokens } : {}),
        onCacheStatus: (status) => void reply.header('x-cache', status.toUpperCase()),
        ...rateLimitOptions(request, reply),
      };
      const created = Math.floor(Date.now() / 1000);
      if (!chat.stream) return toOpenAIChatCompletion(await gateway.runner.execute(chat.agent, chat.input, chat.context, options), created);
      return streamAgentResponse(gateway, request, reply, gateway.runner.executeStream(chat.agent, chat.input, chat.context, options), {
        signal,
        formatFor: (start) => openAIChunkFormat({ id: openAICompletionId(start.request_id), created, model: chat.agent, includeUsage: chat.includeUsage }),
        toProblem: (error) => toHttpProblem(error),
      });
    },
  );
}
