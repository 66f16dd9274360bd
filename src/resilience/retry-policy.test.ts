import { describe, expect, it } from 'vitest';
import { ProviderError } from '../providers/provider-error.js';
import { RetryPolicy, type RetryPolicyOptions } from './retry-policy.js';

const options: RetryPolicyOptions = { maxRetries: 5, initialBackoffMs: 200, backoffMultiplier: 2, maxBackoffMs: 1_000, maxRetryAfterMs: 10_000 };

function error(overrides: Partial<{ retryable: boolean; kind: ProviderError['kind']; retryAfterMs: number; status: number }> = {}): ProviderError {
  return new ProviderError('anthropic answered 500', { provider: 'anthropic', kind: overrides.kind ?? 'http', status: overrides.status ?? 500, retryable: overrides.retryable ?? true, ...(overrides.retryAfterMs !== undefined ? { retryAfterMs: overrides.retryAfterMs } : {}) });
}

describe('RetryPolicy', () => {
  it('grows the backoff cap as initial_backoff_ms x backoff_multiplier^n, capped at max_backoff_ms', () => {
    const policy = new RetryPolicy(options);
    expect([0, 1, 2, 3, 4].map((n) => policy.backoffCapMs(n))).toEqual([200, 400, 800, 1_000, 1_000]);
  });

  it('waits a full-jitter delay: random x cap', () => {
    const randoms = [0, 0.5, 0.999];
    const policy = new RetryPolicy({ ...options, random: () => randoms.shift()! });
    const delays = [0, 1, 2].map((n) => policy.decide(error(), n, 0));
    expect(delays).toEqual([
      { retry: true, delayMs: 0, honoursRetryAfter: false },
      { retry: true, delayMs: 200, honoursRetryAfter: false },
      { retry: true, delayMs: 799, honoursRetryAfter: false },
    ]);
  });

  it('stops after max_retries retries', () => {
    const policy = new RetryPolicy({ ...options, maxRetries: 2, random: () => 0.5 });
    expect(policy.decide(error(), 1, 0).retry).toBe(true);
    expect(policy.decide(error(), 2, 0)).toEqual({ retry: false, reason: 'retries_exhausted' });
    expect(new RetryPolicy({ ...options, maxRetries: 0 }).decide(error(), 0, 0)).toEqual({ retry: false, reason: 'retries_exhausted' });
  });

  it('never retries a non-retryable error (400, 401, ...)', () => {
    const policy = new RetryPolicy(options);
    expect(policy.decide(error({ retryable: false, status: 401 }), 0, 0)).toEqual({ retry: false, reason: 'not_retryable' });
  });

  it('never retries an abort', () => {
    const policy = new RetryPolicy(options);
    expect(policy.decide(error({ kind: 'aborted', retryable: false }), 0, 0)).toEqual({ retry: false, reason: 'aborted' });
  });

  it('honours Retry-After up to max_retry_after_ms instead of the backoff', () => {
    const policy = new RetryPolicy({ ...options, random: () => 0.5 });
    expect(policy.decide(error({ status: 429, retryAfterMs: 7_000 }), 0, 0)).toEqual({ retry: true, delayMs: 7_000, honoursRetryAfter: true });
    expect(policy.decide(error({ status: 429, retryAfterMs: 10_000 }), 0, 0)).toEqual({ retry: true, delayMs: 10_000, honoursRetryAfter: true });
  });

  it('fails over instead of sleeping when Retry-After is beyond max_retry_after_ms', () => {
    const policy = new RetryPolicy(options);
    expect(policy.decide(error({ status: 429, retryAfterMs: 10_001 }), 0, 0)).toEqual({ retry: false, reason: 'retry_after_too_long' });
  });

  it('never sleeps past the deadline', () => {
    const policy = new RetryPolicy({ ...options, random: () => 0.5 });
    expect(policy.decide(error(), 0, 1_000, 1_101)).toEqual({ retry: true, delayMs: 100, honoursRetryAfter: false });
    expect(policy.decide(error(), 0, 1_000, 1_100)).toEqual({ retry: false, reason: 'deadline' });
    expect(policy.decide(error({ retryAfterMs: 5_000 }), 0, 1_000, 3_000)).toEqual({ retry: false, reason: 'deadline' });
  });

  it('reads its schedule from a provider config', () => {
    const policy = RetryPolicy.fromConfig(
      { max_retries: 3, circuit_breaker: { enabled: true, failure_threshold: 5, reset_timeout: 30, backoff_multiplier: 3, initial_backoff_ms: 100, max_backoff_ms: 500, max_retry_after_ms: 2_000, fallback_providers: [] } },
      () => 0.999999,
    );
    expect(policy.maxRetries).toBe(3);
    expect([0, 1, 2].map((n) => policy.backoffCapMs(n))).toEqual([100, 300, 500]);
    expect(policy.decide(error({ retryAfterMs: 2_001 }), 0, 0)).toEqual({ retry: false, reason: 'retry_after_too_long' });
  });
});
