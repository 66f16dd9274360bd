import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectStream } from '../../test/support/model-call.js';
import { httpError, supportCall, ScriptedProvider } from '../../test/support/scripted-provider.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import { wrapProvider } from '../pipeline/wrap.js';
import { ProviderError } from '../providers/provider-error.js';
import type { StreamPart } from '../providers/provider.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { circuitBreaker } from './circuit-breaker-provider.js';
import { ProviderFailure } from './provider-failure.js';
import { RetryPolicy, type RetryPolicyOptions } from './retry-policy.js';
import { retry } from './retry-provider.js';

const RETRY: RetryPolicyOptions = { maxRetries: 2, initialBackoffMs: 200, backoffMultiplier: 2, maxBackoffMs: 10_000, maxRetryAfterMs: 5_000, random: () => 0.5 };

/** The breaker inside the retry layer, as the pipeline composes them: one permit per upstream attempt. */
function setup(options: { threshold?: number; resetMs?: number; retry?: Partial<RetryPolicyOptions> } = {}) {
  const inner = new ScriptedProvider('anthropic');
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const breaker = new CircuitBreaker({ provider: 'anthropic', failureThreshold: options.threshold ?? 5, resetTimeoutMs: options.resetMs ?? 30_000 });
  const provider = wrapProvider(inner, [retry({ policy: new RetryPolicy({ ...RETRY, ...options.retry }), events }), circuitBreaker(breaker)]);
  return { inner, breaker, provider, signal: new AbortController().signal };
}

/** The rejection of `promise`, once fake time has let it settle. */
async function failureOf(promise: Promise<unknown>): Promise<ProviderFailure> {
  const settled = promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as ProviderFailure,
  );
  await vi.runAllTimersAsync();
  return settled;
}

describe('CircuitBreakerProvider (inside retry(), as the pipeline composes them)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('neither retries nor counts a non-retryable error (401)', async () => {
    const { inner, provider, breaker, signal } = setup({ threshold: 1 });
    inner.script({ kind: 'fail', error: httpError('anthropic', 401) });
    const failure = await failureOf(provider.complete(supportCall(), signal));
    expect(failure).toMatchObject({ reason: 'not_retryable', attempts: 1, status: 401 });
    expect(inner.calls).toHaveLength(1);
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(0);
  });

  it('stops retrying as soon as the circuit opens, and says when it half-opens', async () => {
    const { inner, provider, breaker, signal } = setup({ threshold: 2, resetMs: 30_000, retry: { maxRetries: 5 } });
    inner.script(...Array.from({ length: 5 }, () => ({ kind: 'fail' as const, error: httpError('anthropic', 500) })));
    const failure = await failureOf(provider.complete(supportCall(), signal));
    expect(failure).toMatchObject({ reason: 'circuit_open', attempts: 2, retryAfterMs: 30_000 });
    expect(inner.calls).toHaveLength(2);
    expect(breaker.state).toBe('open');
  });

  it('says to come back at the later of the half-open time and the upstream\'s Retry-After when its failure opens the circuit', async () => {
    const { inner, provider, signal } = setup({ threshold: 1, resetMs: 30_000, retry: { maxRetryAfterMs: 120_000 } });
    inner.script({ kind: 'fail', error: httpError('anthropic', 429, 60_000) });
    const failure = await failureOf(provider.complete(supportCall(), signal));
    expect(failure).toMatchObject({ reason: 'circuit_open', attempts: 1, retryAfterMs: 60_000 });
    expect(inner.calls).toHaveLength(1);
  });

  it('refuses calls without an upstream attempt while the circuit is open', async () => {
    const { inner, provider, breaker, signal } = setup({ threshold: 1, resetMs: 30_000, retry: { maxRetries: 0 } });
    inner.script({ kind: 'fail', error: httpError('anthropic', 500) });
    await failureOf(provider.complete(supportCall(), signal));
    vi.advanceTimersByTime(10_000);
    const refused = await failureOf(provider.complete(supportCall(), signal));
    expect(refused).toMatchObject({ reason: 'circuit_open', attempts: 0, kind: 'unavailable', retryable: true, retryAfterMs: 20_000 });
    expect(refused.message).toBe('anthropic: circuit open (next trial in 20 s)');
    expect(inner.calls).toHaveLength(1);
    expect(breaker.toJSON().totals.rejected).toBe(1);
  });

  it('lets one trial through when half-open while other callers are refused, then closes on its success', async () => {
    const { inner, provider, breaker, signal } = setup({ threshold: 1, resetMs: 1_000, retry: { maxRetries: 0 } });
    inner.script({ kind: 'fail', error: httpError('anthropic', 500) });
    await failureOf(provider.complete(supportCall(), signal));
    vi.advanceTimersByTime(1_000);
    const trialCaller = new AbortController();
    inner.script({ kind: 'hang' });
    const trial = provider.complete(supportCall(), trialCaller.signal);
    await vi.advanceTimersByTimeAsync(0);
    const other = await failureOf(provider.complete(supportCall(), signal));
    expect(other).toMatchObject({ reason: 'circuit_open', attempts: 0 });
    expect(other.message).toBe('anthropic: circuit open (a trial request is in flight)');
    trialCaller.abort();
    await expect(trial).rejects.toMatchObject({ reason: 'aborted' });
    // The aborted trial said nothing about the upstream: the next caller is the trial.
    expect(breaker.state).toBe('half-open');
    expect(await provider.complete(supportCall(), signal)).toMatchObject({ attempts: 1 });
    expect(breaker.state).toBe('closed');
  });

  it('ends a retry the circuit refuses (another call opened it meanwhile) with the failure before it', async () => {
    const { inner, provider, breaker, signal } = setup({ threshold: 2, resetMs: 30_000 });
    inner.script({ kind: 'fail', error: httpError('anthropic', 500) });
    const pending = provider.complete(supportCall(), signal);
    await vi.advanceTimersByTimeAsync(0);
    // While the first caller waits for its retry, another call's failure opens the circuit.
    breaker.tryAcquire()!.fail();
    const failure = await failureOf(pending);
    expect(failure).toMatchObject({ reason: 'circuit_open', attempts: 1, status: 500, retryAfterMs: 30_000 - 100 });
    expect(failure.message).toBe('anthropic answered 500; circuit open (next trial in 30 s)');
    expect(inner.calls).toHaveLength(1);
  });

  it('fails over as circuit_open, without retry(), when its own failure opens the circuit', async () => {
    const inner = new ScriptedProvider('anthropic');
    const breaker = new CircuitBreaker({ provider: 'anthropic', failureThreshold: 1, resetTimeoutMs: 30_000 });
    const provider = wrapProvider(inner, [circuitBreaker(breaker)]);
    inner.script({ kind: 'fail', error: httpError('anthropic', 503) });
    const failure = await failureOf(provider.complete(supportCall(), new AbortController().signal));
    expect(failure).toBeInstanceOf(ProviderFailure);
    expect(failure).toMatchObject({ reason: 'circuit_open', attempts: 1, status: 503, retryAfterMs: 30_000 });
    expect(breaker.state).toBe('open');
  });

  describe('stream()', () => {
    it('propagates a failure after the first part as a ProviderError, without retrying, and counts it', async () => {
      const { inner, provider, breaker, signal } = setup();
      inner.script({ kind: 'break', parts: 2, error: httpError('anthropic', 500) });
      const seen: StreamPart[] = [];
      const run = (async () => {
        for await (const part of provider.stream(supportCall(), signal)) seen.push(part);
      })().catch((error: unknown) => error);
      await vi.runAllTimersAsync();
      const error = await run;
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ status: 500 });
      expect(seen).toHaveLength(2);
      expect(inner.calls).toHaveLength(1);
      expect(breaker.failures).toBe(1);
    });

    it('releases the permit and closes the upstream stream when the consumer stops reading', async () => {
      const { inner, provider, breaker, signal } = setup({ threshold: 1, resetMs: 1_000 });
      breaker.tryAcquire()!.fail();
      vi.advanceTimersByTime(1_000);
      for await (const part of provider.stream(supportCall(), signal)) {
        expect(part.type).toBe('text');
        break;
      }
      expect(inner.streamsClosed).toBe(1);
      expect(breaker.state).toBe('half-open');
      expect(breaker.tryAcquire()?.trial).toBe(true);
    });

    it('closes the circuit when a half-open trial stream completes', async () => {
      const { provider, breaker, signal } = setup({ threshold: 1, resetMs: 1_000 });
      breaker.tryAcquire()!.fail();
      vi.advanceTimersByTime(1_000);
      await collectStream(provider.stream(supportCall(), signal));
      expect(breaker.state).toBe('closed');
    });
  });
});
