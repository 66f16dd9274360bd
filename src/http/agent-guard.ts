import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { ExecuteOptions } from '../executor/agent-response.js';
import { whyRouteCannotRun, type AgentRoute } from '../executor/agent-route.js';
import { AgentNotExecutableError, AgentNotFoundError } from '../executor/execution-errors.js';
import type { LimitStatus } from '../rate-limit/rate-limiter.js';
import { callerOf } from './auth/auth-hooks.js';
import type { Caller } from './auth/authenticator.js';
import { toHttpProblem } from './error-handler.js';
import type { GatewayServices } from './gateway-services.js';
import type { HttpProblem } from './problem.js';

/** What a route serves: agents only (the native API), or pass-through models too (the OpenAI and Anthropic surfaces). */
export type GuardedNames = 'agents' | 'agents-and-models';

/**
 * The checks between an authenticated request and the agent, as a `preHandler` (after body
 * validation), in this order:
 *
 * 1. 403 when the client's allow-list excludes the name (`agents`, or `models` for a
 *    pass-through model; a name that is neither is refused when neither list allows it), before
 *    the 404, so a client cannot probe which agents and models exist outside its lists;
 * 2. 404 for an unknown name (a pass-through model's id is unknown to a route that serves agents
 *    only), 422 for one that cannot run;
 * 3. the route's own checks of the request against the agent (`admit`: a client tool that
 *    shares a name with a manifest tool), once the caller may know the agent.
 *
 * The rate limit comes next, in the runner (its `rateLimit()` layer, before the cache and the
 * executor): the route passes `rateLimitOptions(request, reply)` to the execution.
 *
 * `agentOf` says where the agent name is: the URL (`/v1/agents/{name}/execute`) or the body
 * (the OpenAI-compatible route's `model`).
 */
export function agentGuard<R extends FastifyRequest>(
  gateway: GatewayServices,
  agentOf: (request: R) => string,
  admit?: (request: R, route: AgentRoute) => void,
  serves: GuardedNames = 'agents',
): preHandlerAsyncHookHandler {
  return async function guardAgent(this: unknown, request: FastifyRequest) {
    const name = agentOf(request as R);
    const route = servedRoute(gateway, callerOf(request), name, serves);
    const cannot = whyRouteCannotRun(route);
    if (cannot !== undefined) throw new AgentNotExecutableError(name, cannot);
    admit?.(request as R, route);
  };
}

/**
 * The route a name names for a caller, after its allow-lists (403) and existence (404)
 * checks, in the guard's order; whether it can run is the caller's to check.
 */
export function servedRoute(gateway: GatewayServices, caller: Caller | undefined, name: string, serves: GuardedNames): AgentRoute {
  const found = gateway.executor.route(name);
  const route = found !== undefined && (found.passThrough === undefined || serves === 'agents-and-models') ? found : undefined;
  if (route?.passThrough !== undefined) gateway.auth.authorizeModel(caller, name);
  else if (route !== undefined || serves === 'agents') gateway.auth.authorizeAgent(caller, name);
  else gateway.auth.authorizeUnknown(caller, name);
  if (!route) throw agentNotFound(gateway, caller, name, serves);
  return route;
}

/**
 * What the runner's `rateLimit()` layer needs from an HTTP request: the client whose per-user
 * limit applies, and where the verdict goes, the IETF `RateLimit-Limit`, `-Remaining` and
 * `-Reset` fields (draft-ietf-httpapi-ratelimit-headers) of the bucket closest to running out,
 * on every answer after the check (200, 429, a provider's 502/503).
 */
export function rateLimitOptions(request: FastifyRequest, reply: FastifyReply): Pick<ExecuteOptions, 'clientId' | 'onRateLimit'> {
  const client = callerOf(request).client;
  return {
    ...(client ? { clientId: client.id } : {}),
    onRateLimit: (status) => setRateLimitHeaders(reply, status),
  };
}

/** A 404 whose "did you mean" names only agents (and, where they are served, models) the caller may use, so it cannot reveal the others. */
export function agentNotFound(gateway: GatewayServices, caller: Caller | undefined, name: string, serves: GuardedNames = 'agents'): HttpProblem {
  return toHttpProblem(new AgentNotFoundError(name, serves === 'agents' ? 'agent' : 'agent or model'), () => visibleNames(gateway, caller, serves));
}

/** The agent names (and, for `agents-and-models`, pass-through model ids) a caller may use, agents first. */
export function visibleNames(gateway: GatewayServices, caller: Caller | undefined, serves: GuardedNames): string[] {
  const names = gateway.executor.agents().map((agent) => agent.name).filter((agent) => gateway.auth.mayUse(caller, agent));
  if (serves === 'agents-and-models') for (const route of gateway.executor.models()) if (gateway.auth.mayUseModel(caller, route.agent.name)) names.push(route.agent.name);
  return names;
}

function setRateLimitHeaders(reply: FastifyReply, status: LimitStatus): void {
  reply.header('ratelimit-limit', String(status.limit));
  reply.header('ratelimit-remaining', String(status.remaining));
  reply.header('ratelimit-reset', String(status.resetSeconds));
}
