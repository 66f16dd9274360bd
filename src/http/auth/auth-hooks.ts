import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler, onRequestHookHandler } from 'fastify';
import type { Authenticator, Caller } from './authenticator.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Who an agent request is for (set by `requireClient`). Namespaced so that mounting the
     * gateway in an app with its own `userId` decoration cannot clash.
     */
    ossaCaller: Caller | undefined;
  }
}

/** Declares `request.ossaCaller` on an instance (once per encapsulation context). */
export function decorateCaller(app: FastifyInstance): void {
  if (!app.hasRequestDecorator('ossaCaller')) app.decorateRequest('ossaCaller', undefined);
}

/**
 * An `onRequest` hook for agent routes: 401 without a valid client key (when clients are
 * configured), else sets `request.ossaCaller`. Runs before the body is read, so an
 * unauthenticated client cannot make the gateway parse anything.
 */
export function requireClient(auth: Authenticator): onRequestHookHandler {
  // Callback style: no promise per request (a 401 is thrown, and Fastify answers it the same way).
  return (request, _reply, done) => {
    request.ossaCaller = auth.identify(request);
    done();
  };
}

/**
 * An `onRequest` hook for admin routes (`/status`, `/status.json`, `/v1/providers`, the cache
 * routes): an admin key as a bearer key or the Basic password (401 with both challenges
 * otherwise), 403 when no admin key is configured, open in an open dev gateway. See
 * `Authenticator.authorizeAdmin`.
 *
 * @example
 * app.delete('/v1/cache', { onRequest: requireAdmin(gateway.auth) }, handler);
 */
export function requireAdmin(auth: Authenticator): onRequestAsyncHookHandler {
  return async (request) => {
    auth.authorizeAdmin(request);
  };
}

/** The caller of a request, also when no auth hook ran (the client IP). */
export function callerOf(request: FastifyRequest): Caller {
  return request.ossaCaller ?? { userId: request.ip };
}
