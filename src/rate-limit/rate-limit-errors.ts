import { AnswerError } from '../util/answer-error.js';
import type { LimitStatus, RateLimitScope } from './rate-limiter.js';

const SCOPE_NAMES: Record<RateLimitScope, string> = { user: 'your per-user limit', global: "the gateway's global limit", agent: "this agent's limit" };

/**
 * A request refused by the rate limiter: a bucket that applies to it is empty. HTTP answers it
 * with 429, `Retry-After` and the limit named (problem+json, or OpenAI's `rate_limit_exceeded`).
 */
export class RateLimitExceededError extends AnswerError {
  override readonly name = 'RateLimitExceededError';

  constructor(
    /** The limit that refused: the most specific of the empty buckets. */
    readonly scope: RateLimitScope,
    /** That bucket, for the `RateLimit-*` fields. */
    readonly status: LimitStatus,
    /** Seconds until every empty bucket has a token again. */
    readonly retryAfterSeconds: number,
  ) {
    super(`${SCOPE_NAMES[scope]} of ${status.limit} requests is used up; retry in ${retryAfterSeconds} s`);
  }
}

/**
 * A request refused because the rate limiter's store failed and `rate_limit.fail_open` is
 * false. HTTP answers it with 503 `rate-limit-unavailable` and `Retry-After: 1`.
 */
export class RateLimitUnavailableError extends AnswerError {
  override readonly name = 'RateLimitUnavailableError';

  constructor() {
    super('the rate limiter cannot reach its store and is configured to refuse requests meanwhile (rate_limit.fail_open: false)');
  }
}
