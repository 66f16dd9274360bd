import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
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
export function requireClient(auth: Authenticator): onRequestAsyncHookHandler {
  return async (request) => {
    request.ossaCaller = auth.identify(request);
  };
}

/**
 * An `onRequest` hook for admin routes (cache invalidation, and the status page and metrics
 * of other layers): 401 without a valid admin key, 403 when admin keys are not configured.
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
