import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExecuteOptions } from '../../executor/agent-response.js';
import type { AgentRoute } from '../../executor/agent-route.js';
import type { ProviderOptions } from '../../providers/provider.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import { agentGuard, rateLimitOptions, visibleNames } from '../agent-guard.js';
import { callerOf } from '../auth/auth-hooks.js';
import { cacheModeOf } from '../cache-directives.js';
import { toHttpProblem } from '../error-handler.js';
import type { GatewayServices } from '../gateway-services.js';
import { streamAgentResponse } from '../streaming/stream-agent-response.js';
import { checkManifestClash } from '../tool-input/client-tools.js';
import { InvalidFieldError } from '../tool-input/invalid-field-error.js';
import { betaFlagsOf, type BetaFlags } from './anthropic-beta.js';
import { anthropicEventFormat } from './anthropic-event-format.js';
import { anthropicInvalidField, fromAnthropicMessagesRequest, type MessagesRequest } from './anthropic-messages-request.js';
import { countTokensBodySchema, messagesBodySchema } from './anthropic-schemas.js';
import type { AnthropicMessagesBody } from './anthropic-types.js';
import { estimateInputTokens } from '../../budgets/estimate-tokens.js';
import { sendAnthropicError } from './to-anthropic-error.js';
import { anthropicMessageId, toAnthropicMessage } from './to-anthropic-message.js';

type MessagesRoute = { Body: AnthropicMessagesBody };
/** A request as read before the guard: its body and its `anthropic-beta` flags. */
type ReadRequest = { readonly messages: MessagesRequest; readonly beta: BetaFlags };
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The header that says what a request asked for and did not get (one line per thing). */
export const WARNING_HEADER = 'x-ossa-warning';

/** Anthropic's API has no context: the client's system prompt is `systemBlocks` / `instructions`. */
const NO_CONTEXT = Object.freeze({});

/**
 * The Anthropic Messages API, so Anthropic clients (the SDKs, Claude Code) can call the agents
 * and the pass-through models: `POST /v1/messages` (the request's `model` is an agent's name or
 * a model's id; a `message`, or its SSE events with `"stream": true`) and
 * `POST /v1/messages/count_tokens` (an estimate, see `estimateInputTokens`). Register it where
 * the client-key hook applies (`x-api-key` is a client key): it runs the same pipeline as the
 * other surfaces. `anthropic-beta` flags go to an Anthropic upstream; what a request asks for
 * and does not get (beta flags for another provider, extended thinking, `top_k` for a provider
 * without it) is said in `x-ossa-warning`. Every error, its own validation, auth and unknown
 * paths under `/v1/messages` included, is answered in Anthropic's error shape.
 */
export async function anthropicRoutes(app: FastifyInstance, { gateway }: { gateway: GatewayServices }): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    const problem = toHttpProblem(error, () => visibleNames(gateway, request.ossaCaller, 'agents-and-models'));
    if (problem.slug === 'internal-error') request.log.error({ err: error }, 'unhandled error');
    return sendAnthropicError(reply, problem);
  });

  // Read before the guard, so a request the model cannot honour spends no rate-limit token.
  const requests = new WeakMap<FastifyRequest, ReadRequest>();
  const read = (request: FastifyRequest<MessagesRoute>, _reply: FastifyReply, done: (error?: Error) => void): void => {
    try {
      requests.set(request, { messages: fromAnthropicMessagesRequest(request.body), beta: betaFlagsOf(request.headers['anthropic-beta']) });
      // Before the guard: a request its client may not make spends no rate-limit token.
      gateway.auth.authorizeCacheMode(request.ossaCaller, cacheModeOf(request.headers['cache-control']), 'Cache-Control');
    } catch (error) {
      return done(error as Error);
    }
    done();
  };
  const admit = (request: FastifyRequest<MessagesRoute>, route: AgentRoute): void => {
    try {
      checkManifestClash(requests.get(request)!.messages.tools, route.agent, (index) => ['tools', index, 'name']);
    } catch (error) {
      throw error instanceof InvalidFieldError ? anthropicInvalidField(error) : error;
    }
  };
  const guard = agentGuard<FastifyRequest<MessagesRoute>>(gateway, (request) => request.body.model, admit, 'agents-and-models');

  app.post<MessagesRoute>('/v1/messages', { schema: { body: messagesBodySchema }, preHandler: [read, guard] }, async (request, reply) => {
    const { messages, beta } = requests.get(request)!;
    const route = gateway.executor.route(messages.model)!;
    const signal = abortOnDisconnect(request, reply);
    reply.header('request-id', String(request.id));
    const options = executeOptions(gateway, request, reply, { messages, beta }, route, signal);
    if (!messages.stream) return toAnthropicMessage(await gateway.runner.execute(messages.model, messages.input, NO_CONTEXT, options), messages.model);
    return streamAgentResponse(gateway, request, reply, gateway.runner.executeStream(messages.model, messages.input, NO_CONTEXT, options), {
      signal,
      formatFor: (start) => anthropicEventFormat({ id: anthropicMessageId(start.request_id), model: messages.model, requestId: String(request.id) }),
      toProblem: (error) => toHttpProblem(error),
    });
  });

  app.post<MessagesRoute>('/v1/messages/count_tokens', { schema: { body: countTokensBodySchema }, preHandler: [read, guard] }, async (request, reply) => {
    const { messages } = requests.get(request)!;
    reply.header('request-id', String(request.id)).header('x-ossa-token-count', 'estimate');
    return { input_tokens: estimateInputTokens(messages) };
  });
}

/** The execution options of a Messages request, and the `x-ossa-warning` lines of what it does not get. */
function executeOptions(gateway: GatewayServices, request: FastifyRequest, reply: FastifyReply, { messages, beta }: ReadRequest, route: AgentRoute, signal: AbortSignal): ExecuteOptions {
  const warnings = [...messages.ignored];
  // Assigned field by field: a request without the optional parts pays for no spread of them.
  const options: Mutable<ExecuteOptions> = { requestId: String(request.id), signal, userId: callerOf(request).userId, history: messages.history, onCacheStatus: (status) => void reply.header('x-cache', status.toUpperCase()) };
  if (typeof messages.system === 'string') options.instructions = messages.system;
  else if (messages.system !== undefined) options.systemBlocks = messages.system;
  if (messages.temperature !== undefined) options.temperature = messages.temperature;
  if (messages.maxTokens !== undefined) options.maxTokens = messages.maxTokens;
  if (messages.tools.length > 0) options.tools = messages.tools;
  if (messages.toolChoice !== undefined) options.toolChoice = messages.toolChoice;
  if (messages.parallelToolCalls !== undefined) options.parallelToolCalls = messages.parallelToolCalls;
  if (messages.responseFormat !== undefined) options.responseFormat = messages.responseFormat;
  if (messages.stop !== undefined) options.stop = messages.stop;
  const cache = cacheModeOf(request.headers['cache-control']);
  if (cache !== undefined) options.cache = cache;

  // What only Anthropic's wire format carries goes to an Anthropic upstream, and is said to be dropped elsewhere.
  const serving = route.usable[0] ?? route.primary;
  const anthropicUpstream = gateway.catalog.get(serving.provider)?.type === 'anthropic';
  if (beta.withheld.length > 0) warnings.push(`anthropic-beta: ${beta.withheld.join(',')} not sent: the gateway calls the upstream with its own credential`);
  if (beta.forward.length > 0 && !anthropicUpstream) warnings.push(`anthropic-beta: ${beta.forward.join(',')} not sent: ${serving.provider} is not an Anthropic provider`);
  const anthropic: Mutable<NonNullable<ProviderOptions['anthropic']>> = {};
  if (beta.forward.length > 0) anthropic.beta = beta.forward;
  if (messages.userId !== undefined) anthropic.userId = messages.userId;
  // A pass-through model gets the client's sampling settings; an agent's manifest settles them.
  if (route.passThrough !== undefined) {
    if (messages.topP !== undefined) options.topP = messages.topP;
    if (messages.topK !== undefined) {
      anthropic.topK = messages.topK;
      if (!anthropicUpstream) warnings.push(`top_k: not sent: ${serving.provider} is not an Anthropic provider`);
    }
  }
  if (Object.keys(anthropic).length > 0) options.providerOptions = { anthropic };
  const limits = rateLimitOptions(request, reply);
  options.onRateLimit = limits.onRateLimit;
  if (limits.clientId !== undefined) options.clientId = limits.clientId;
  if (warnings.length > 0) reply.header(WARNING_HEADER, warnings);
  return options;
}
