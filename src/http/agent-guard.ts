import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AgentRoute } from '../executor/agent-route.js';
import { AgentNotExecutableError, AgentNotFoundError } from '../executor/execution-errors.js';
import type { LimitStatus } from '../rate-limit/rate-limiter.js';
import { callerOf } from './auth/auth-hooks.js';
import type { Caller } from './auth/authenticator.js';
import { toHttpProblem } from './error-handler.js';
import type { GatewayServices } from './gateway-services.js';
import { HttpProblem } from './problem.js';

const SCOPE_NAMES = { user: 'your per-user limit', global: "the gateway's global limit", agent: "this agent's limit" } as const;

/**
 * The checks between an authenticated request and the agent, as a `preHandler` (after body
 * validation, so a malformed request costs no token), in this order:
 *
 * 1. 403 when the client's `agents` allow-list excludes the name (before the 404, so a
 *    client cannot probe which agents exist outside its list);
 * 2. 404 for an unknown agent, 422 for one that cannot run (before the limiter: a typo or
 *    an agent without a usable provider spends no token);
 * 3. the route's own checks of the request against the agent (`admit`: a client tool that
 *    shares a name with a manifest tool), once the caller may know the agent;
 * 4. the rate limiter: `RateLimit-Limit`, `-Remaining` and `-Reset` on the response (the
 *    bucket closest to running out), 429 with `Retry-After` naming the limit, or 503 when the
 *    store is down and `rate_limit.fail_open` is false. The cache and the executor come after.
 *
 * `agentOf` says where the agent name is: the URL (`/v1/agents/{name}/execute`) or the body
 * (the OpenAI-compatible route's `model`).
 */
export function agentGuard<R extends FastifyRequest>(
  gateway: GatewayServices,
  agentOf: (request: R) => string,
  admit?: (request: R, route: AgentRoute) => void,
): preHandlerAsyncHookHandler {
  return async function guardAgent(this: unknown, request: FastifyRequest, reply: FastifyReply) {
    const name = agentOf(request as R);
    const caller = callerOf(request);
    gateway.auth.authorizeAgent(caller, name);
    const route = gateway.executor.route(name);
    if (!route) throw agentNotFound(gateway, caller, name);
    if (!route.provider) throw new AgentNotExecutableError(name, route.unavailable ?? 'no usable provider');
    admit?.(request as R, route);
    const limiter = gateway.rateLimiter;
    if (!limiter) return;
    const verdict = await limiter.check({ agent: route.agent, userId: caller.userId, ...(caller.client ? { clientId: caller.client.id } : {}) });
    switch (verdict.outcome) {
      case 'admitted':
        if (verdict.status) setRateLimitHeaders(reply, verdict.status);
        return;
      case 'rejected':
        setRateLimitHeaders(reply, verdict.status);
        throw new HttpProblem(
          429,
          'rate-limited',
          'Too many requests',
          `${SCOPE_NAMES[verdict.scope]} of ${verdict.status.limit} requests is used up; retry in ${verdict.retryAfterSeconds} s`,
          { limit: verdict.scope, retry_after: verdict.retryAfterSeconds },
          { 'retry-after': String(verdict.retryAfterSeconds) },
        );
      case 'store-failed':
        if (verdict.admitted) return;
        throw new HttpProblem(503, 'rate-limit-unavailable', 'Rate limiter unavailable', 'the rate limiter cannot reach its store and is configured to refuse requests meanwhile (rate_limit.fail_open: false)', {}, { 'retry-after': '1' });
      default: {
        const unexpected: never = verdict;
        throw new Error(`unexpected rate-limit verdict ${JSON.stringify(unexpected)}`);
      }
    }
  };
}

/** A 404 whose "did you mean" names only agents the caller may use, so it cannot reveal the others. */
export function agentNotFound(gateway: GatewayServices, caller: Caller | undefined, name: string): HttpProblem {
  const visible = (): string[] => gateway.executor.agents().map((agent) => agent.name).filter((agent) => gateway.auth.mayUse(caller, agent));
  return toHttpProblem(new AgentNotFoundError(name), visible);
}

/** The IETF `RateLimit-*` fields (draft-ietf-httpapi-ratelimit-headers), one bucket's view. */
function setRateLimitHeaders(reply: FastifyReply, status: LimitStatus): void {
  reply.header('ratelimit-limit', String(status.limit));
  reply.header('ratelimit-remaining', String(status.remaining));
  reply.header('ratelimit-reset', String(status.resetSeconds));
}
