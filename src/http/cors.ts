import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { CorsConfig } from '../config/ossa-config.js';

/** Response headers a browser app may read: the request id to quote, the cache status, the rate limits. */
const EXPOSED_HEADERS = 'x-request-id, request-id, x-cache, x-ossa-warning, ratelimit-limit, ratelimit-remaining, ratelimit-reset, retry-after';
const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';

/** What a request's `Origin` is to the CORS policy. */
export type OriginVerdict = 'allowed' | 'refused' | 'none';

/**
 * Cross-origin access for browser apps (`server.cors`), so a web page on an allowed origin can
 * call the agents and the OpenAI-compatible API with `fetch` or an SDK:
 *
 * - a preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin is
 *   answered 204 here, before authentication (a preflight carries no key): the methods, the
 *   headers it asked for (the SDKs send their own `x-stainless-*` headers), `Max-Age`;
 * - every other answer to an allowed origin carries `Access-Control-Allow-Origin` (the origin
 *   itself, with `Vary: Origin`) and exposes `X-Request-Id`, `Request-Id`, `X-Cache`, `X-Ossa-Warning`, `RateLimit-*` and
 *   `Retry-After`;
 * - a preflight from another origin gets `refuse(request, reply)` (a 403 naming the setting);
 *   other requests from it get no CORS headers, so the browser withholds the answer.
 *
 * Origins are exact (`https://app.example.com`), `*` (any), or `https://*.example.com` (its
 * subdomains). No cookies are involved (keys travel in `Authorization`), so credentials are
 * not allowed.
 */
export function corsHook(config: CorsConfig, refuse: (request: FastifyRequest, reply: FastifyReply) => void): onRequestHookHandler {
  const verdictOf = originMatcher(config.origins);
  const maxAge = String(config.max_age);
  return function cors(request, reply, done) {
    const origin = request.headers.origin;
    const verdict = verdictOf(origin);
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (verdict === 'none') return done();
    reply.header('vary', 'Origin');
    if (verdict === 'refused') {
      if (preflight) return refuse(request, reply);
      return done();
    }
    reply.header('access-control-allow-origin', origin!);
    if (!preflight) {
      reply.header('access-control-expose-headers', EXPOSED_HEADERS);
      return done();
    }
    const asked = request.headers['access-control-request-headers'];
    reply
      .header('access-control-allow-methods', ALLOWED_METHODS)
      .header('access-control-max-age', maxAge);
    if (typeof asked === 'string' && asked !== '') reply.header('access-control-allow-headers', asked.slice(0, 2048));
    reply.code(204).send();
  };
}

/** Whether an `Origin` header is one of `origins` (exact, `*`, or `scheme://*.domain`). */
export function originMatcher(origins: readonly string[]): (origin: string | undefined) => OriginVerdict {
  const any = origins.includes('*');
  const exact = new Set(origins.filter((o) => !o.includes('*')).map((o) => o.toLowerCase()));
  const suffixes = origins
    .filter((o) => o !== '*' && o.includes('://*.'))
    .map((o) => {
      const [scheme, host] = o.toLowerCase().split('://*.') as [string, string];
      return { scheme: `${scheme}://`, suffix: `.${host}` };
    });
  return (origin) => {
    if (origin === undefined) return 'none';
    if (any) return 'allowed';
    const lower = origin.toLowerCase();
    if (exact.has(lower)) return 'allowed';
    for (const { scheme, suffix } of suffixes) {
      if (lower.startsWith(scheme) && lower.endsWith(suffix) && lower.length > scheme.length + suffix.length && !lower.slice(scheme.length, -suffix.length).includes('/')) return 'allowed';
    }
    return 'refused';
  };
}
