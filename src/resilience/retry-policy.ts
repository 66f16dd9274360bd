import type { AgentRetryPolicy } from '../agents/agent-definition.js';
import { retryDelayMs } from '../agents/retry-config.js';
import type { CircuitBreakerConfig, ProviderConfig } from '../config/ossa-config.js';
import type { ProviderError } from '../providers/provider-error.js';
import type { FailoverReason } from './provider-failure.js';

/** A random number in [0, 1); injectable so tests can pin the jitter. */
export type RandomSource = () => number;

/** What to do after a failed attempt: wait and try again, or stop and say why. */
export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number; readonly honoursRetryAfter: boolean }
  | { readonly retry: false; readonly reason: FailoverReason };

/** The retry schedule of one provider (`providers.<name>.max_retries` and its `circuit_breaker` keys). */
export interface RetryPolicyOptions {
  /** Retries after the first attempt (0: one attempt only). */
  readonly maxRetries: number;
  readonly initialBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly maxBackoffMs: number;
  /** A `Retry-After` longer than this fails over instead of sleeping. */
  readonly maxRetryAfterMs: number;
  readonly random?: RandomSource;
  /**
   * A fixed wait before retry `n` (0-based), replacing the jittered backoff: an agent's
   * `retry_config` says how long to wait, and gets exactly that.
   */
  readonly schedule?: (n: number) => number;
}

/**
 * Decides, after each failed attempt, whether to retry and after how long.
 *
 * The n-th retry (n = 0, 1, ...) waits a random time in [0, min(max_backoff_ms,
 * initial_backoff_ms x backoff_multiplier^n)) ("full jitter": concurrent callers that failed
 * together do not retry together). An upstream `Retry-After` / `retry-after-ms` replaces that
 * wait when it is at most `max_retry_after_ms`; a longer one is not slept on: the caller fails
 * over. Never retried: errors the adapter marked non-retryable (400, 401, ..., an abort, a
 * deadline timeout), a retry whose wait would end past the call's deadline.
 *
 * @example
 * const policy = RetryPolicy.fromConfig(config.providers.anthropic);
 * const next = policy.decide(error, 0, Date.now(), call.meta.deadline);
 */
export class RetryPolicy {
  readonly #options: RetryPolicyOptions;
  readonly #random: RandomSource;

  constructor(options: RetryPolicyOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  /** The policy a provider's config describes. */
  static fromConfig(config: Pick<ProviderConfig, 'max_retries'> & { circuit_breaker: CircuitBreakerConfig }, random?: RandomSource): RetryPolicy {
    const cb = config.circuit_breaker;
    return new RetryPolicy({
      maxRetries: config.max_retries,
      initialBackoffMs: cb.initial_backoff_ms,
      backoffMultiplier: cb.backoff_multiplier,
      maxBackoffMs: cb.max_backoff_ms,
      maxRetryAfterMs: cb.max_retry_after_ms,
      ...(random ? { random } : {}),
    });
  }

  /**
   * An agent's `retry_config` on one provider: `max_attempts - 1` retries after the waits it
   * declares (no jitter), the provider's `max_retry_after_ms` still bounding a `Retry-After`.
   */
  static forAgent(policy: AgentRetryPolicy, maxRetryAfterMs: number): RetryPolicy {
    return new RetryPolicy({
      maxRetries: policy.maxAttempts - 1,
      initialBackoffMs: policy.initialDelayMs,
      backoffMultiplier: 1,
      maxBackoffMs: policy.maxDelayMs,
      maxRetryAfterMs,
      schedule: (n) => retryDelayMs(policy, n + 1),
    });
  }

  get maxRetries(): number {
    return this.#options.maxRetries;
  }

  /** The same schedule with at most `maxRetries` retries (a fallback's `trigger.max_retries`). */
  capped(maxRetries: number): RetryPolicy {
    return maxRetries >= this.#options.maxRetries ? this : new RetryPolicy({ ...this.#options, maxRetries, random: this.#random });
  }

  /** The upper bound of the jittered wait before retry `n` (0-based). */
  backoffCapMs(n: number): number {
    const { initialBackoffMs, backoffMultiplier, maxBackoffMs } = this.#options;
    return Math.min(maxBackoffMs, initialBackoffMs * backoffMultiplier ** n);
  }

  /**
   * After `error`, with `retriesDone` retries already made: retry (and wait how long), or stop.
   * `now` and `deadline` are epoch milliseconds.
   */
  decide(error: ProviderError, retriesDone: number, now: number, deadline?: number): RetryDecision {
    if (error.kind === 'aborted') return { retry: false, reason: 'aborted' };
    if (!error.retryable) return { retry: false, reason: 'not_retryable' };
    if (retriesDone >= this.#options.maxRetries) return { retry: false, reason: 'retries_exhausted' };
    const retryAfter = error.retryAfterMs;
    if (retryAfter !== undefined && retryAfter > this.#options.maxRetryAfterMs) return { retry: false, reason: 'retry_after_too_long' };
    const delayMs = retryAfter ?? (this.#options.schedule ? this.#options.schedule(retriesDone) : Math.floor(this.#random() * this.backoffCapMs(retriesDone)));
    // Waiting until (or past) the deadline leaves the retry no time to answer.
    if (deadline !== undefined && now + delayMs >= deadline) return { retry: false, reason: 'deadline' };
    return { retry: true, delayMs, honoursRetryAfter: retryAfter !== undefined };
  }
}
