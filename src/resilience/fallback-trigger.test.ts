import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectStream } from '../../test/support/model-call.js';
import { httpError, ScriptedProvider, supportCall } from '../../test/support/scripted-provider.js';
import type { FallbackTrigger } from '../agents/agent-definition.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { ProviderEntry } from '../providers/provider-catalog.js';
import { ProviderError } from '../providers/provider-error.js';
import { agentRetries } from './agent-retries.js';
import { FallbackChainProvider, type ChainTarget } from './fallback-chain-provider.js';
import { nextTarget } from './fallback-trigger.js';
import { RetryPolicy } from './retry-policy.js';
import { RetryProvider } from './retry-provider.js';

const trigger = (t: Partial<FallbackTrigger>): FallbackTrigger => ({ onError: false, onRateLimit: false, onTimeout: false, errorCodes: [], ...t });
const ON_ERROR = trigger({ onError: true });
const ON_RATE_LIMIT = trigger({ onRateLimit: true });

function chainOf(targets: [ScriptedProvider, FallbackTrigger?][]) {
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const moves: string[] = [];
  events.on('provider.fallback', (e) => void moves.push(`${e.from}->${e.to} (${e.reason})`));
  const chain = new FallbackChainProvider(
    targets.map(([provider, t]): ChainTarget => ({ name: provider.name, type: provider.type, model: `${provider.name}-model`, provider, ...(t ? { trigger: t } : {}) })),
    { agent: 'security-scanner', events },
  );
  return { chain, moves, signal: new AbortController().signal };
}

describe('fallback triggers: which fallback takes which failure', () => {
  it('sends a 429 to the on_rate_limit fallback and a 500 to the on_error one, whatever their order', async () => {
    for (const status of [429, 500]) {
      const primary = new ScriptedProvider('anthropic', [{ kind: 'fail', error: httpError('anthropic', status) }]);
      const openai = new ScriptedProvider('openai', [], 'openai');
      const google = new ScriptedProvider('google', [], 'openai-compatible');
      const { chain, moves, signal } = chainOf([[primary], [openai, ON_ERROR], [google, ON_RATE_LIMIT]]);
      const result = await chain.complete(supportCall(), signal);
      expect(result.provider, `after a ${status}`).toBe(status === 429 ? 'google' : 'openai');
      expect(moves).toEqual([`anthropic->${result.provider} (retries_exhausted)`]);
      expect(openai.calls.length + google.calls.length).toBe(1);
    }
  });

  it('takes listed error codes as specific, ends the chain when no later fallback takes the failure', async () => {
    const targets = [{}, { trigger: trigger({ errorCodes: [503] }) }, { trigger: ON_RATE_LIMIT }];
    expect(nextTarget(targets, 0, { reason: 'retries_exhausted', status: 503 })).toBe(1);
    expect(nextTarget(targets, 0, { reason: 'retries_exhausted', status: 429 })).toBe(2);
    expect(nextTarget(targets, 0, { reason: 'not_retryable', status: 400 })).toBeUndefined();
    expect(nextTarget([{}, { trigger: trigger({ onTimeout: true }) }, {}], 0, { reason: 'retries_exhausted', kind: 'timeout' })).toBe(1);

    const primary = new ScriptedProvider('anthropic', [{ kind: 'fail', error: httpError('anthropic', 400) }]);
    const google = new ScriptedProvider('google');
    const { chain, signal } = chainOf([[primary], [google, ON_RATE_LIMIT]]);
    await expect(chain.complete(supportCall(), signal)).rejects.toMatchObject({ status: 400, attemptsByProvider: [expect.objectContaining({ provider: 'anthropic', reason: 'not_retryable' })] });
    expect(google.calls).toHaveLength(0);
  });

  it('streams from the fallback the trigger picks', async () => {
    const primary = new ScriptedProvider('anthropic', [{ kind: 'fail', error: httpError('anthropic', 429) }]);
    const { chain, signal } = chainOf([[primary], [new ScriptedProvider('openai'), ON_ERROR], [new ScriptedProvider('google'), ON_RATE_LIMIT]]);
    const parts = await collectStream(chain.stream(supportCall(), signal));
    expect(parts[0]).toEqual({ type: 'start', provider: 'google', model: 'google-model', fallbackUsed: true });
  });

  describe('latency_threshold_ms', () => {
    afterEach(() => void vi.useRealTimers());

    it('gives a slow target up after the threshold and lets that fallback answer', async () => {
      vi.useFakeTimers();
      const slow = new ScriptedProvider('anthropic', [{ kind: 'hang' }]);
      const fast = new ScriptedProvider('openai');
      const { chain, moves, signal } = chainOf([[slow], [new ScriptedProvider('unused'), ON_RATE_LIMIT], [fast, trigger({ latencyThresholdMs: 2000 })]]);
      const answer = chain.complete(supportCall(), signal);
      await vi.advanceTimersByTimeAsync(1999);
      expect(fast.calls).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(await answer).toMatchObject({ provider: 'openai', fallbackUsed: true });
      expect(moves).toEqual(['anthropic->openai (latency_threshold)']);
    });

    it('is an abort, not a fallback, when the caller goes away', async () => {
      const controller = new AbortController();
      const { chain } = chainOf([[new ScriptedProvider('anthropic', [{ kind: 'hang' }])], [new ScriptedProvider('openai'), trigger({ latencyThresholdMs: 60_000 })]]);
      const answer = chain.complete(supportCall(), controller.signal);
      controller.abort();
      await expect(answer).rejects.toMatchObject({ kind: 'aborted' });
    });
  });
});

describe('an agent\'s own retries (retry_config, trigger.max_retries)', () => {
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const entryOver = (provider: ScriptedProvider, maxRetries: number): ProviderEntry => ({
    name: provider.name,
    type: provider.type,
    config: { circuit_breaker: { max_retry_after_ms: 10_000 } } as ProviderEntry['config'],
    provider: maxRetries > 0
      ? new RetryProvider(provider, { policy: new RetryPolicy({ maxRetries, initialBackoffMs: 0, backoffMultiplier: 2, maxBackoffMs: 0, maxRetryAfterMs: 10_000 }), events, sleep: async () => {} })
      : provider,
  });
  const failing = (name: string) => new ScriptedProvider(name, Array.from({ length: 12 }, () => ({ kind: 'fail' as const, error: httpError(name, 500) })));

  it('replaces the provider\'s retries: max_attempts 1 is one attempt, 4 is four, with the declared waits', async () => {
    for (const [maxAttempts, providerRetries] of [[1, 2], [4, 0]] as const) {
      const upstream = failing('anthropic');
      const waits: number[] = [];
      const provider = agentRetries(entryOver(upstream, providerRetries), { maxAttempts, backoff: 'exponential', initialDelayMs: 1000, maxDelayMs: 3000 }, undefined, {
        events,
        sleep: async (ms) => void waits.push(ms),
      })!;
      await expect(provider.complete(supportCall(), new AbortController().signal)).rejects.toBeInstanceOf(ProviderError);
      expect(upstream.calls, `max_attempts ${maxAttempts}`).toHaveLength(maxAttempts);
      expect(waits).toEqual([1000, 2000, 3000].slice(0, maxAttempts - 1));
    }
  });

  it('caps the retries before a fallback with trigger.max_retries, and leaves other agents\' provider as it is', async () => {
    const upstream = failing('anthropic');
    const entry = entryOver(upstream, 5);
    const capped = agentRetries(entry, undefined, 2, { events, sleep: async () => {} })!;
    await expect(capped.complete(supportCall(), new AbortController().signal)).rejects.toMatchObject({ attempts: 3 });
    expect(upstream.calls).toHaveLength(3);
    expect(agentRetries(entry, undefined, undefined, { events })).toBe(entry.provider);
  });
});
