import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitTransition } from './circuit-breaker.js';

function setup(threshold = 3, resetTimeoutMs = 30_000) {
  let time = 1_000_000;
  const clock = { now: () => time, advance: (ms: number) => (time += ms) };
  const breaker = new CircuitBreaker({ provider: 'anthropic', failureThreshold: threshold, resetTimeoutMs, now: clock.now });
  const transitions: CircuitTransition[] = [];
  breaker.onTransition((t) => transitions.push(t));
  const fail = (n = 1): void => {
    for (let i = 0; i < n; i++) breaker.tryAcquire()!.fail();
  };
  return { breaker, clock, transitions, fail };
}

describe('CircuitBreaker', () => {
  it('starts closed and lets every call through', () => {
    const { breaker } = setup();
    expect(breaker.state).toBe('closed');
    const permits = [breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()];
    expect(permits.every((p) => p !== undefined && !p.trial)).toBe(true);
  });

  it('opens after failure_threshold consecutive retryable failures, not before', () => {
    const { breaker, fail, transitions, clock } = setup(3, 30_000);
    fail(2);
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(2);
    fail(1);
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual([{ provider: 'anthropic', from: 'closed', to: 'open', failures: 3, halfOpenAt: clock.now() + 30_000, time: clock.now() }]);
  });

  it('resets the count on a success: failures must be consecutive', () => {
    const { breaker, fail } = setup(3);
    fail(2);
    breaker.tryAcquire()!.succeed();
    fail(2);
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(2);
  });

  it('neither counts nor resets on a released permit (a non-retryable error, an abort)', () => {
    const { breaker, fail } = setup(3);
    fail(2);
    breaker.tryAcquire()!.release();
    breaker.tryAcquire()!.release();
    expect(breaker.failures).toBe(2);
    fail(1);
    expect(breaker.state).toBe('open');
  });

  it('refuses calls while open and says when the trial comes', () => {
    const { breaker, fail, clock } = setup(1, 30_000);
    fail();
    expect(breaker.tryAcquire()).toBeUndefined();
    clock.advance(10_000);
    expect(breaker.retryAfterMs()).toBe(20_000);
    expect(breaker.tryAcquire()).toBeUndefined();
    expect(breaker.toJSON().totals.rejected).toBe(2);
  });

  it('half-opens once reset_timeout has passed, and lets exactly one trial through', () => {
    const { breaker, fail, clock, transitions } = setup(1, 30_000);
    fail();
    clock.advance(29_999);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
    expect(transitions.at(-1)).toMatchObject({ from: 'open', to: 'half-open' });
    const trial = breaker.tryAcquire();
    expect(trial?.trial).toBe(true);
    expect(breaker.tryAcquire()).toBeUndefined();
    expect(breaker.tryAcquire()).toBeUndefined();
    expect(breaker.retryAfterMs()).toBeUndefined();
  });

  it('closes when the trial succeeds', () => {
    const { breaker, fail, clock, transitions } = setup(2, 1_000);
    fail(2);
    clock.advance(1_000);
    breaker.tryAcquire()!.succeed();
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(0);
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half-open', 'closed']);
    expect(breaker.tryAcquire()).toBeDefined();
  });

  it('opens again for another reset_timeout when the trial fails', () => {
    const { breaker, fail, clock, transitions } = setup(2, 1_000);
    fail(2);
    clock.advance(1_500);
    breaker.tryAcquire()!.fail();
    expect(breaker.state).toBe('open');
    expect(transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['closed->open', 'open->half-open', 'half-open->open']);
    expect(transitions.at(-1)!.halfOpenAt).toBe(clock.now() + 1_000);
    clock.advance(999);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
  });

  it('frees the trial slot when the trial ends without a verdict', () => {
    const { breaker, fail, clock } = setup(1, 1_000);
    fail();
    clock.advance(1_000);
    breaker.tryAcquire()!.release();
    expect(breaker.state).toBe('half-open');
    const next = breaker.tryAcquire();
    expect(next?.trial).toBe(true);
  });

  it('ignores outcomes of calls that started before the last state change', () => {
    const { breaker, fail, clock } = setup(2, 1_000);
    const early = breaker.tryAcquire()!;
    fail(2);
    early.succeed(); // started while closed, finished while open: says nothing about now
    expect(breaker.state).toBe('open');
    clock.advance(1_000);
    const trial = breaker.tryAcquire()!;
    early.fail();
    expect(breaker.state).toBe('half-open');
    trial.succeed();
    expect(breaker.state).toBe('closed');
  });

  it('settles a permit once: a second verdict is ignored', () => {
    const { breaker } = setup(2);
    const permit = breaker.tryAcquire()!;
    permit.fail();
    permit.fail();
    permit.succeed();
    expect(breaker.failures).toBe(1);
  });

  it('snapshots its state for /v1/providers and /readyz', () => {
    const { breaker, fail, clock } = setup(2, 30_000);
    expect(breaker.toJSON()).toMatchObject({ state: 'closed', consecutive_failures: 0, failure_threshold: 2, reset_timeout_ms: 30_000, opened_at: null, retry_after_ms: null });
    fail(2);
    clock.advance(5_000);
    expect(breaker.toJSON()).toMatchObject({
      state: 'open',
      consecutive_failures: 2,
      opened_at: new Date(clock.now() - 5_000).toISOString(),
      half_open_at: new Date(clock.now() + 25_000).toISOString(),
      retry_after_ms: 25_000,
      totals: { failures: 2, opened: 1 },
    });
    expect(JSON.parse(JSON.stringify(breaker))).toMatchObject({ state: 'open' });
  });

  it('keeps working when a transition listener throws', () => {
    const { breaker } = setup(1);
    breaker.onTransition(() => {
      throw new Error('listener bug');
    });
    breaker.tryAcquire()!.fail();
    expect(breaker.state).toBe('open');
  });
});
