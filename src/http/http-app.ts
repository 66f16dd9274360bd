import Ajv from 'ajv';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import { decorateCaller, requireClient } from './auth/auth-hooks.js';
import { answerClientError } from './client-error.js';
import { corsHook } from './cors.js';
import { handleError, toHttpProblem } from './error-handler.js';
import { nestedDeeperThan } from './json-depth.js';
import type { GatewayServices } from './gateway-services.js';
import { lazyChildLoggerFactory } from './lazy-request-logger.js';
import { HttpProblem, sendProblem } from './problem.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';
import { trustProxyOf } from './trust-proxy.js';
import { registerAgentRoutes } from './routes/agent-routes.js';
import { registerCacheRoutes } from './routes/cache-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { isOpenAIPath, openAIRouteMethods } from './openai/openai-paths.js';
import { openAIRoutes } from './openai/openai-routes.js';
import { sendOpenAIError } from './openai/to-openai-error.js';
import { anthropicRouteMethods, isAnthropicRequest } from './anthropic/anthropic-paths.js';
import { anthropicRoutes } from './anthropic/anthropic-routes.js';
import { sendAnthropicError } from './anthropic/to-anthropic-error.js';
import { registerMetricsRoute } from './routes/metrics-route.js';
import { registerProviderRoutes } from './routes/provider-routes.js';
import { registerStatusRoutes } from './routes/status-routes.js';
import { registerRequestObservability } from './request-observability.js';
import { applyConnectionLimits, bodyPending, connectionTimeouts } from './connection-limits.js';

/**
 * Request validation that rejects rather than repairs: unknown fields are an error (not
 * silently dropped), and `"1"` is not a number.
 */
function createValidatorCompiler() {
  const ajv = new Ajv.default({ removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: true, strict: false });
  // `maxDepth: n` bounds how deep free-form JSON nests (see json-depth.ts).
  ajv.addKeyword({ keyword: 'maxDepth', type: ['object', 'array'], schemaType: 'number', errors: false, validate: (max: number, data: unknown) => !nestedDeeperThan(data, max) });
  return ({ schema }: { schema: object }) => ajv.compile(schema);
}

/**
 * The gateway's routes as a Fastify plugin, for embedding in an existing app:
 * `app.register(ossaGatewayPlugin, { gateway, prefix: '/ai' })`. Errors inside the plugin's
 * routes are answered as problem+json; the host app's other routes are untouched.
 */
export const ossaGatewayPlugin: FastifyPluginAsync<{ gateway: GatewayServices }> = async (app, { gateway }) => {
  app.setValidatorCompiler(createValidatorCompiler());
  // Only JSON is accepted: a text/plain body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  const agentNames = (): string[] => gateway.executor.agents().map((a) => a.name);
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply, agentNames));
  registerRequestObservability(app, gateway);
  registerHealthRoutes(app, gateway);
  decorateCaller(app);
  // Agent routes need a client key when clients are configured; health routes are open, and
  // admin routes check an admin key instead.
  await app.register(async (clients) => {
    clients.addHook('onRequest', requireClient(gateway.auth));
    registerAgentRoutes(clients, gateway);
    await clients.register(openAIRoutes, { gateway });
    await clients.register(anthropicRoutes, { gateway });
  });
  registerCacheRoutes(app, gateway);
  registerProviderRoutes(app, gateway);
  registerMetricsRoute(app, gateway);
  registerStatusRoutes(app, gateway);
};

/**
 * Answers `problem` in the shape of the surface the request is on: Anthropic's under
 * `/v1/messages` (and with `anthropic-version`), OpenAI's `{"error"}` under the other
 * OpenAI-compatible paths, problem+json elsewhere.
 */
function answer(request: FastifyRequest, reply: FastifyReply, problem: HttpProblem): FastifyReply {
  if (isAnthropicRequest(request.url, request.headers)) return sendAnthropicError(reply, problem);
  return isOpenAIPath(request.url) ? sendOpenAIError(reply, problem) : sendProblem(reply, problem);
}

/**
 * The standalone HTTP server: Fastify with request ids, body limit, CORS when configured, and
 * problem+json everywhere (OpenAI's error shape on the OpenAI-compatible paths), bounded in
 * time and connections against clients that never finish (`server.*`, see `applyConnectionLimits`).
 */
export async function buildHttpApp(gateway: GatewayServices): Promise<FastifyInstance> {
  const { server } = gateway.config;
  const app = Fastify({
    ...connectionTimeouts(server),
    loggerInstance: gateway.logger as FastifyBaseLogger,
    // Our own onResponse line replaces Fastify's two per request; every line carries request_id.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId: requestIdFor,
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: server.body_limit,
    trustProxy: trustProxyOf(server.trust_proxy),
    // Refused by our onRequest hook instead: Fastify's own 503 is plain JSON, without a request id.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    clientErrorHandler: answerClientError,
    // A URL that does not decode, or an overlong path segment: problem+json, not Fastify's own JSON.
    frameworkErrors: (error, request, reply) => {
      // Raised before the onRequest hook that sets it.
      reply.header(REQUEST_ID_HEADER, request.id);
      return isOpenAIPath(request.url) ? answer(request, reply, toHttpProblem(error)) : handleError(error, request, reply, () => []);
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  // Callback-style hooks: an async hook costs Fastify a promise and a thenable wrap per request
  // (the three below were ~2 % of a cache miss's CPU), and none of them waits for anything.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    // A request that arrives on a kept-alive connection after SIGTERM: a whole answer a load
    // balancer can retry elsewhere (the onSend hook below closes the connection). A callback
    // hook that answers does not call done().
    if (gateway.shuttingDown) {
      answer(request, reply.header('retry-after', '1'), new HttpProblem(503, 'shutting-down', 'Shutting down', 'this gateway is shutting down; retry on another instance'));
      return;
    }
    done();
  });
  if (server.cors) {
    app.addHook(
      'onRequest',
      corsHook(server.cors, (request, reply) =>
        answer(request, reply, new HttpProblem(403, 'origin-not-allowed', 'Origin not allowed', `the origin ${JSON.stringify(String(request.headers.origin).slice(0, 200))} is not in server.cors.origins`)),
      ),
    );
  }
  app.addHook('onSend', (request, reply, _payload, done) => {
    // A keep-alive connection that outlives shutdown would hold close() until shutdown_timeout.
    // An answer given before the body was read (401, 413, ...) ends the connection too: Node
    // would otherwise read and discard the rest of the body, however slowly it comes.
    if (gateway.draining || bodyPending(request.raw)) reply.header('connection', 'close');
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      { method: request.method, url: request.url.split('?')[0], status: reply.statusCode, duration_ms: Math.round(reply.elapsedTime * 1000) / 1000 },
      'request completed',
    );
    done();
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    // The OpenAI and Anthropic surfaces answer like their vendors: the SDKs show a problem+json 404 as "404 (no body)".
    const methods = isOpenAIPath(request.url) ? (openAIRouteMethods(request.url) ?? anthropicRouteMethods(request.url)) : undefined;
    if (methods && !methods.includes(request.method)) {
      return answer(request, reply, new HttpProblem(405, 'method-not-allowed', 'Method not allowed', `${request.method} is not allowed on ${path}; use ${methods.join(' or ')}`, {}, { allow: methods.join(', ') }));
    }
    const detail = isOpenAIPath(request.url)
      ? `Invalid URL (${request.method} ${path}): this gateway serves POST /v1/chat/completions, POST /v1/responses, POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models and GET /v1/models/{model}`
      : `no route ${request.method} ${path}`;
    return answer(request, reply, new HttpProblem(404, 'not-found', 'Not found', detail));
  });
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply, () => []));
  applyConnectionLimits(app, gateway);
  await app.register(ossaGatewayPlugin, { gateway });
  return app;
}
