import type { AgentResponse, AgentRunner, ExecuteOptions, ExecutionContext } from '../executor/agent-response.js';
import type { AgentRoute } from '../executor/agent-route.js';
import type { AgentStreamEvent } from '../executor/agent-stream-event.js';
import type { RunnerLayer } from '../pipeline/wrap.js';
import { RateLimitExceededError, RateLimitUnavailableError } from './rate-limit-errors.js';
import type { RateLimiter } from './rate-limiter.js';

/** Whose bucket an execution without `userId` takes from (in-process callers that name nobody). */
export const ANONYMOUS_USER = 'anonymous';

/**
 * An `AgentRunner` decorator that takes a token from every bucket that applies before the
 * layers inside it run (the response cache, the executor): a rejected request costs no
 * lookup and no upstream call. It throws a `RateLimitExceededError` (429) or, when the store
 * failed and `rate_limit.fail_open` is false, a `RateLimitUnavailableError` (503), and tells
 * `options.onRateLimit` the bucket closest to running out (HTTP's `RateLimit-*` fields) for an
 * admitted request and a rejected one alike.
 *
 * The subject is `options.userId` (else `anonymous`), `options.clientId` (its own per-user
 * limit) and the agent (its manifest's limit). An unknown agent or one that cannot run is
 * passed on untouched, so its 404 or 422 comes first and spends no token; so is an execution
 * with `skipRateLimit`. A stream is checked at its first `next()`, before any event.
 *
 * @example
 * const runner = new RateLimitedRunner(executor, limiter, routes);
 * await runner.execute('support', 'hi', {}, { requestId, userId: 'ada', onRateLimit: (s) => headers(s) });
 */
export class RateLimitedRunner implements AgentRunner {
  constructor(
    private readonly inner: AgentRunner,
    private readonly limiter: RateLimiter,
    private readonly routes: ReadonlyMap<string, AgentRoute>,
  ) {}

  async execute(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): Promise<AgentResponse> {
    await this.admit(agentName, options);
    return this.inner.execute(agentName, input, context, options);
  }

  executeStream(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncIterable<AgentStreamEvent> {
    return this.stream(agentName, input, context, options);
  }

  private async *stream(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncGenerator<AgentStreamEvent, void, undefined> {
    await this.admit(agentName, options);
    yield* this.inner.executeStream(agentName, input, context, options);
  }

  /** Returns when the request may go on; throws the refusal otherwise. */
  private async admit(agentName: string, options: ExecuteOptions): Promise<void> {
    if (options.skipRateLimit) return;
    const route = this.routes.get(agentName);
    // The executor's own 404 and 422 come before the limiter, and spend no token.
    if (!route || route.provider === undefined) return;
    const verdict = await this.limiter.check({
      agent: route.agent,
      userId: options.userId ?? ANONYMOUS_USER,
      ...(options.clientId !== undefined ? { clientId: options.clientId } : {}),
    });
    switch (verdict.outcome) {
      case 'admitted':
        if (verdict.status) options.onRateLimit?.(verdict.status);
        return;
      case 'rejected':
        options.onRateLimit?.(verdict.status);
        throw new RateLimitExceededError(verdict.scope, verdict.status, verdict.retryAfterSeconds);
      case 'store-failed':
        if (verdict.admitted) return;
        throw new RateLimitUnavailableError();
      default: {
        const unexpected: never = verdict;
        throw new Error(`unexpected rate-limit verdict ${JSON.stringify(unexpected)}`);
      }
    }
  }
}

/**
 * The `rateLimit()` layer, outermost of the runner layers (before the cache). `routes` are the
 * agents it limits, as the executor resolved them.
 *
 * @example
 * const runner = wrapRunner(executor, [limiter && rateLimit(limiter, routes), cache && responseCache(cache)]);
 */
export function rateLimit(limiter: RateLimiter, routes: ReadonlyMap<string, AgentRoute>): RunnerLayer {
  return (inner) => new RateLimitedRunner(inner, limiter, routes);
}
