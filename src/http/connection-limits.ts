import type { IncomingMessage, ServerOptions, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config/ossa-config.js';
import { ThrottledWarning } from '../observability/throttled-warning.js';
import type { GatewayServices } from './gateway-services.js';

/** How often Node looks for connections past their headers or request timeout, at most. */
const MAX_CHECK_INTERVAL_MS = 1_000;

/**
 * The Fastify options that bound how long a client may take (`server.*`, seconds):
 *
 * - `headers_timeout`: the request line and headers, from the connection (or the previous
 *   answer on a kept-alive one); an idle or slow client gets 408 and the socket closes;
 * - `request_timeout`: the whole request, headers and body (408 and close);
 * - `keep_alive_timeout`: an idle kept-alive connection after an answer.
 *
 * Node checks the first two on an interval (30 s by default, so a 10 s timeout could take 40):
 * here a quarter of the headers timeout, at most a second.
 */
export function connectionTimeouts(server: ServerConfig): { keepAliveTimeout: number; requestTimeout: number; http: ServerOptions } {
  const headersTimeout = Math.round(server.headers_timeout * 1000);
  const requestTimeout = Math.round(server.request_timeout * 1000);
  const keepAliveTimeout = Math.round(server.keep_alive_timeout * 1000);
  return {
    keepAliveTimeout,
    requestTimeout,
    http: {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout,
      connectionsCheckingInterval: Math.max(10, Math.min(MAX_CHECK_INTERVAL_MS, Math.floor(headersTimeout / 4))),
    },
  };
}

/**
 * Bounds the standalone server against clients that never finish (the options above are set
 * with `connectionTimeouts`):
 *
 * - `server.max_connections`: connections past it are closed on arrival (logged at most every
 *   10 s, counted as `server.connection_dropped`);
 * - `server.body_timeout`: a request body that pauses longer between two chunks has its
 *   socket closed (a slow-loris upload cannot hold a connection for `request_timeout`).
 *
 * An answer given before the body was read (401, 413) closes its connection: see the `onSend`
 * hook of `buildHttpApp`.
 */
export function applyConnectionLimits(app: FastifyInstance, gateway: GatewayServices): void {
  const { server } = gateway.config;
  app.server.maxConnections = server.max_connections;
  const dropped = new ThrottledWarning(gateway.logger);
  app.server.on('drop', () => {
    gateway.events.dispatch({ type: 'server.connection_dropped', reason: 'max_connections' });
    dropped.warn({ max_connections: server.max_connections }, `connection refused: server.max_connections (${server.max_connections}) are open`);
  });
  const slowBodies = new ThrottledWarning(gateway.logger);
  const bodyTimeoutMs = Math.round(server.body_timeout * 1000);
  app.addHook('onRequest', (request, reply, done) => {
    watchBody(request.raw, reply.raw, bodyTimeoutMs, () => {
      gateway.events.dispatch({ type: 'server.connection_dropped', reason: 'body_timeout' });
      slowBodies.warn({ request_id: request.id, body_timeout_s: server.body_timeout }, `request body paused longer than server.body_timeout (${server.body_timeout} s): connection closed`);
    });
    done();
  });
}

/** True while a request has a body (`Content-Length` above 0, or chunked) that has not all arrived. */
export function bodyPending(request: IncomingMessage): boolean {
  if (request.complete) return false;
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Arms the socket's idle timer while a request body is still arriving; Node closes a socket
 * whose timer fires during a request (nobody handles its `timeout`). Disarmed once the body is
 * complete, so a slow upstream answer is not cut, and never after the answer, whose end set
 * the keep-alive timer on the same socket.
 */
function watchBody(request: IncomingMessage, response: ServerResponse, timeoutMs: number, onTimeout: () => void): void {
  const socket = request.socket as Partial<IncomingMessage['socket']> | undefined;
  // `app.inject()` requests have no real socket: nothing to time out.
  if (!bodyPending(request) || typeof socket?.setTimeout !== 'function' || typeof socket.once !== 'function' || typeof socket.off !== 'function') return;
  socket.setTimeout(timeoutMs);
  socket.once('timeout', onTimeout);
  const disarm = (): void => {
    request.off('end', disarm);
    request.off('close', disarm);
    socket.off!('timeout', onTimeout);
    if (!response.writableFinished) socket.setTimeout!(0);
  };
  request.on('end', disarm);
  request.on('close', disarm);
}
