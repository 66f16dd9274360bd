import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectStream } from '../../test/support/model-call.js';
import { httpError, supportCall, ScriptedProvider } from '../../test/support/scripted-provider.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { GatewayEventMap } from '../events/gateway-events.js';
import { ProviderError } from '../providers/provider-error.js';
import type { StreamPart } from '../providers/provider.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { CircuitBreakerProvider } from './circuit-breaker-provider.js';
import { ProviderFailure } from './provider-failure.js';
import { RetryPolicy, type RetryPolicyOptions } from './retry-policy.js';

const RETRY: RetryPolicyOptions = { maxRetries: 2, initialBackoffMs: 200, backoffMultiplier: 2, maxBackoffMs: 10_000, maxRetryAfterMs: 5_000, random: () => 0.5 };

function setup(options: { threshold?: number; resetMs?: number; retry?: Partial<RetryPolicyOptions> } = {}) {
  const inner = new ScriptedProvider('anthropic');
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const retries: GatewayEventMap['provider.retry'][] = [];
  events.on('provider.retry', (e) => void retries.push(e));
  const breaker = new CircuitBreaker({ provider: 'anthropic', failureThreshold: options.threshold ?? 5, resetTimeoutMs: options.resetMs ?? 30_000 });
  const provider = new CircuitBreakerProvider(inner, { breaker, retry: new RetryPolicy({ ...RETRY, ...options.retry }), events });
  return { inner, breaker, provider, retries, signal: new AbortController().signal };
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

describe('CircuitBreakerProvider', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries retryable failures after jittered exponential backoff, and reports the attempts', async () => {
    const { inner, provider, retries, signal } = setup();
    inner.script({ kind: 'fail', error: httpError('anthropic', 500) }, { kind: 'fail', error: httpError('anthropic', 503) });
    const result = provider.complete(supportCall(), signal);
    await vi.advanceTimersByTimeAsync(0);
    expect(inner.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(99); // random 0.5 x 200 ms = 100 ms
    expect(inner.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(inner.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(199); // 0.5 x 400 ms
    expect(inner.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toMatchObject({ text: 'ok from anthropic', attempts: 3 });
    expect(inner.calls.map((c) => c.meta.attempt)).toEqual([1, 2, 3]);
    expect(retries).toEqual([
      { type: 'provider.retry', requestId: 'req-1', provider: 'anthropic', attempt: 1, delayMs: 100, reason: 'anthropic answered 500' },
      { type: 'provider.retry', requestId: 'req-1', provider: 'anthropic', attempt: 2, delayMs: 200, reason: 'anthropic answered 503' },
    ]);
  });

  it('numbers attempts from the one it is called with (the chain continues the count)', async () => {
    const { inner, provider, signal } = setup();
    inner.script({ kind: 'fail', error: httpError('anthropic', 500) });
    const result = provider.complete(supportCall({ attempt: 4 }), signal);
    await vi.runAllTimersAsync();
    expect((await result).attempts).toBe(2);
    expect(inner.calls.map((c) => c.meta.attempt)).toEqual([4, 5]);
  });

  it('waits what Retry-After asks, up to max_retry_after_ms', async () => {
    const { inner, provider, signal } = setup();
    inner.script({ kind: 'fail', error: httpError('anthropic', 429, 3_000) });
    const result = provider.complete(supportCall(), signal);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(inner.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await result).attempts).toBe(2);
  });

  it('fails over at once, without sleeping, when Retry-After is beyond max_retry_after_ms', async () => {
    const { inner, provider, signal } = setup();
    inner.script({ kind: 'fail', error: httpError('anthropic', 429, 60_000) });
    const failure = await failureOf(provider.complete(supportCall(), signal));
    expect(failure).toBeInstanceOf(ProviderFailure);
    expect(failure).toMatchObject({ reason: 'retry_after_too_long', attempts: 1, status: 429, retryAfterMs: 60_000 });
    expect(inner.calls).toHaveLength(1);
  });

  it('gives up after max_retries retries with the last error', async () => {
    const { inner, provider, signal } = setup();
    inner.script(...[500, 502, 503].map((s) => ({ kind: 'fail' as const, error: httpError('anthropic', s) })));
    const failure = await failureOf(provider.complete(supportCall(), signal));
    expect(failure).toMatchObject({ reason: 'retries_exhausted', attempts: 3, status: 503, message: 'anthropic answered 503', retryable: true });
    expect(inner.calls).toHaveLength(3);
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

  it('stops a pending retry when the caller aborts, without another upstream call', async () => {
    const { inner, provider } = setup();
    const caller = new AbortController();
    inner.script({ kind: 'fail', error: httpError('anthropic', 500, 4_000) });
    const result = provider.complete(supportCall(), caller.signal);
    await vi.advanceTimersByTimeAsync(1_000);
    caller.abort(new Error('client disconnected'));
    const failure = await result.catch((e: unknown) => e as ProviderFailure);
    expect(failure).toMatchObject({ reason: 'aborted', kind: 'aborted', attempts: 1 });
    await vi.runAllTimersAsync();
    expect(inner.calls).toHaveLength(1);
  });

  it('does not retry when the wait would end past the call deadline', async () => {
    const { inner, provider, signal } = setup();
    inner.script({ kind: 'fail', error: httpError('anthropic', 429, 3_000) });
    const failure = await failureOf(provider.complete(supportCall({ deadline: Date.now() + 2_000 }), signal));
    expect(failure).toMatchObject({ reason: 'deadline', attempts: 1 });
    expect(inner.calls).toHaveLength(1);
  });

  describe('stream()', () => {
    it('retries a failure that comes before the first part', async () => {
      const { inner, provider, signal } = setup();
      inner.script({ kind: 'fail', error: httpError('anthropic', 529) });
      const parts = collectStream(provider.stream(supportCall(), signal));
      await vi.runAllTimersAsync();
      const all = await parts;
      expect(all.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('')).toBe('ok from anthropic');
      expect(all.at(-1)).toMatchObject({ type: 'finish', attempts: 2 });
      expect(inner.calls.map((c) => c.meta.attempt)).toEqual([1, 2]);
    });

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
