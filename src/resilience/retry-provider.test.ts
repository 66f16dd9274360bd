import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectStream } from '../../test/support/model-call.js';
import { httpError, supportCall, ScriptedProvider } from '../../test/support/scripted-provider.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { GatewayEventMap } from '../events/gateway-events.js';
import { ProviderFailure } from './provider-failure.js';
import { RetryPolicy, type RetryPolicyOptions } from './retry-policy.js';
import { RetryProvider } from './retry-provider.js';

const RETRY: RetryPolicyOptions = { maxRetries: 2, initialBackoffMs: 200, backoffMultiplier: 2, maxBackoffMs: 10_000, maxRetryAfterMs: 5_000, random: () => 0.5 };

/** The retry layer alone, straight over the upstream: retries need no breaker. */
function setup(options: { retry?: Partial<RetryPolicyOptions> } = {}) {
  const inner = new ScriptedProvider('anthropic');
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const retries: GatewayEventMap['provider.retry'][] = [];
  events.on('provider.retry', (e) => void retries.push(e));
  const provider = new RetryProvider(inner, { policy: new RetryPolicy({ ...RETRY, ...options.retry }), events });
  return { inner, provider, retries, signal: new AbortController().signal };
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

describe('RetryProvider', () => {
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

  it('ends a non-retryable failure (401) at once, as not_retryable', async () => {
    const { inner, provider, signal } = setup();
    inner.script({ kind: 'fail', error: httpError('anthropic', 401) });
    const failure = await failureOf(provider.complete(supportCall(), signal));
    expect(failure).toMatchObject({ reason: 'not_retryable', attempts: 1, status: 401 });
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

    it('propagates a failure after the first part as the ProviderError it is, without retrying', async () => {
      const { inner, provider, signal } = setup();
      inner.script({ kind: 'break', parts: 2, error: httpError('anthropic', 500) });
      const seen: string[] = [];
      const error = await (async () => {
        for await (const part of provider.stream(supportCall(), signal)) seen.push(part.type);
      })().catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(ProviderFailure);
      expect(error).toMatchObject({ status: 500 });
      expect(seen).toEqual(['text', 'text']);
      expect(inner.calls).toHaveLength(1);
    });

    it('closes the upstream stream when the consumer stops reading', async () => {
      const { inner, provider, signal } = setup();
      for await (const _part of provider.stream(supportCall(), signal)) break;
      expect(inner.streamsClosed).toBe(1);
    });
  });
});
