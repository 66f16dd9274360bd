import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { collectStream } from '../../test/support/model-call.js';
import { httpError, supportCall, ScriptedProvider } from '../../test/support/scripted-provider.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { GatewayEventMap } from '../events/gateway-events.js';
import { ProviderError } from '../providers/provider-error.js';
import { AllProvidersFailedError } from './all-providers-failed-error.js';
import { FallbackChainProvider, type ChainTarget } from './fallback-chain-provider.js';
import { ProviderFailure } from './provider-failure.js';

function setup(targets: (ChainTarget | ScriptedProvider)[], now: () => number = Date.now) {
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const fallbacks: GatewayEventMap['provider.fallback'][] = [];
  events.on('provider.fallback', (e) => void fallbacks.push(e));
  const chain = new FallbackChainProvider(
    targets.map((t) => (t instanceof ScriptedProvider ? { name: t.name, type: t.type, model: `${t.name}-model`, provider: t } : t)),
    { agent: 'support', events, now },
  );
  return { chain, fallbacks, signal: new AbortController().signal };
}

const disabled = (name: string): ChainTarget => ({ name, type: 'openai', model: `${name}-model`, disabledReason: `no API key: ${name.toUpperCase()}_API_KEY is not set` });

/** What the breaker throws when it gives up on a provider. */
function breakerFailure(provider: string, reason: ProviderFailure['reason'], attempts: number, status = 500, retryAfterMs?: number): ProviderFailure {
  return ProviderFailure.from(httpError(provider, status), reason, attempts, retryAfterMs);
}

/** What `promise` rejects with (a resolution fails the test). */
function rejection(promise: Promise<unknown>): Promise<AllProvidersFailedError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as AllProvidersFailedError,
  );
}

describe('FallbackChainProvider', () => {
  it('answers from the primary when it can, with fallbackUsed false', async () => {
    const primary = new ScriptedProvider('anthropic');
    const { chain, fallbacks, signal } = setup([primary, new ScriptedProvider('openai')]);
    expect(await chain.complete(supportCall(), signal)).toMatchObject({ provider: 'anthropic', model: 'anthropic-model', fallbackUsed: false, attempts: 1 });
    expect(fallbacks).toEqual([]);
  });

  it('moves on after a failure, asking each target for its own model and continuing the attempt count', async () => {
    const primary = new ScriptedProvider('anthropic', [{ kind: 'fail', error: breakerFailure('anthropic', 'retries_exhausted', 3) }]);
    const secondary = new ScriptedProvider('openai');
    const { chain, fallbacks, signal } = setup([primary, secondary]);
    const result = await chain.complete(supportCall(), signal);
    expect(result).toMatchObject({ provider: 'openai', model: 'openai-model', fallbackUsed: true, attempts: 4 });
    expect(primary.calls[0]!.model).toBe('anthropic-model');
    expect(secondary.calls[0]!.model).toBe('openai-model');
    expect(secondary.calls[0]!.meta.attempt).toBe(4);
    expect(fallbacks).toEqual([{ type: 'provider.fallback', requestId: 'req-1', agent: 'support', from: 'anthropic', to: 'openai', reason: 'retries_exhausted' }]);
  });

  it('keeps disabled providers in the chain: they fail instantly and are skipped', async () => {
    const echo = new ScriptedProvider('echo', [], 'echo');
    const { chain, fallbacks, signal } = setup([disabled('anthropic'), disabled('openai'), echo]);
    expect(await chain.complete(supportCall(), signal)).toMatchObject({ provider: 'echo', fallbackUsed: true, attempts: 1 });
    expect(echo.calls[0]!.meta.attempt).toBe(1);
    expect(fallbacks.map((f) => `${f.from}->${f.to}:${f.reason}`)).toEqual(['anthropic->openai:disabled', 'openai->echo:disabled']);
  });

  it('falls back after a non-retryable refusal too (a revoked key on one provider)', async () => {
    const primary = new ScriptedProvider('anthropic', [{ kind: 'fail', error: httpError('anthropic', 401) }]);
    const { chain, fallbacks, signal } = setup([primary, new ScriptedProvider('openai')]);
    expect(await chain.complete(supportCall(), signal)).toMatchObject({ provider: 'openai', attempts: 2 });
    expect(fallbacks[0]!.reason).toBe('not_retryable');
  });

  it('throws AllProvidersFailedError naming each provider and why, Retry-After the soonest recovery', async () => {
    const { chain, signal } = setup([
      new ScriptedProvider('anthropic', [{ kind: 'fail', error: breakerFailure('anthropic', 'circuit_open', 2, 500, 25_000) }]),
      disabled('openai'),
      new ScriptedProvider('mistral', [{ kind: 'fail', error: breakerFailure('mistral', 'retry_after_too_long', 1, 429, 60_000) }]),
    ]);
    const error = await rejection(chain.complete(supportCall(), signal));
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    expect(error).toMatchObject({ provider: 'anthropic', kind: 'unavailable', retryable: true, retryAfterMs: 25_000, attempts: 3, status: undefined });
    expect(error.attemptsByProvider).toEqual([
      { provider: 'anthropic', model: 'anthropic-model', reason: 'circuit_open', detail: 'anthropic answered 500', status: 500, attempts: 2, retry_after_ms: 25_000 },
      { provider: 'openai', model: 'openai-model', reason: 'disabled', detail: 'openai is disabled (no API key: OPENAI_API_KEY is not set)', attempts: 0 },
      { provider: 'mistral', model: 'mistral-model', reason: 'retry_after_too_long', detail: 'mistral answered 429', status: 429, attempts: 1, retry_after_ms: 60_000 },
    ]);
    expect(error.message).toBe(
      'every provider failed: anthropic answered 500 [circuit_open]; openai is disabled (no API key: OPENAI_API_KEY is not set) [disabled]; mistral answered 429 [retry_after_too_long]',
    );
  });

  it('is a refusal (not retryable, with the status) when every provider refused the call', async () => {
    const { chain, signal } = setup([
      new ScriptedProvider('anthropic', [{ kind: 'fail', error: httpError('anthropic', 400) }]),
      new ScriptedProvider('openai', [{ kind: 'fail', error: httpError('openai', 422) }]),
    ]);
    const error = await rejection(chain.complete(supportCall(), signal));
    expect(error).toMatchObject({ kind: 'http', retryable: false, status: 400, attempts: 2 });
  });

  it('keeps the only provider\'s own error when the chain has one target', async () => {
    const timeout = new ProviderError('anthropic: no answer within 2000 ms', { provider: 'anthropic', kind: 'timeout', retryable: true });
    const { chain, signal } = setup([new ScriptedProvider('anthropic', [{ kind: 'fail', error: timeout }])]);
    const error = await rejection(chain.complete(supportCall(), signal));
    expect(error).toMatchObject({ message: 'anthropic: no answer within 2000 ms', kind: 'timeout', retryable: true, provider: 'anthropic' });
    expect(error.attemptsByProvider).toHaveLength(1);
  });

  it('names a lone disabled provider in a 503-worthy error', async () => {
    const { chain, signal } = setup([disabled('anthropic')]);
    const error = await rejection(chain.complete(supportCall(), signal));
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, message: 'anthropic is disabled (no API key: ANTHROPIC_API_KEY is not set)' });
  });

  it('stops at an abort: the caller is gone, no fallback is tried', async () => {
    const controller = new AbortController();
    const primary = new ScriptedProvider('anthropic', [{ kind: 'hang' }]);
    const secondary = new ScriptedProvider('openai');
    const { chain } = setup([primary, secondary]);
    const result = chain.complete(supportCall(), controller.signal);
    controller.abort();
    await expect(result).rejects.toMatchObject({ kind: 'aborted' });
    expect(secondary.calls).toHaveLength(0);
  });

  it('does not start a fallback once the deadline has passed', async () => {
    let time = 1_000;
    const primary = new ScriptedProvider('anthropic', [{ kind: 'fail', error: httpError('anthropic', 500) }]);
    const secondary = new ScriptedProvider('openai');
    const { chain, signal } = setup([primary, secondary], () => time);
    const result = chain.complete(supportCall({ deadline: 1_500 }), signal);
    time = 1_500;
    await expect(result).rejects.toBeInstanceOf(AllProvidersFailedError);
    expect(secondary.calls).toHaveLength(0);
  });

  describe('stream()', () => {
    it('falls back before the first part, and reports who answered on the finish part', async () => {
      const primary = new ScriptedProvider('anthropic', [{ kind: 'fail', error: breakerFailure('anthropic', 'circuit_open', 0) }]);
      const { chain, signal } = setup([primary, new ScriptedProvider('openai')]);
      const parts = await collectStream(chain.stream(supportCall(), signal));
      expect(parts.at(-1)).toMatchObject({ type: 'finish', provider: 'openai', fallbackUsed: true, attempts: 1 });
    });

    it('names the target it committed to in a start part, once that target produced its first part', async () => {
      const primary = new ScriptedProvider('anthropic', [{ kind: 'fail', error: httpError('anthropic', 503) }]);
      const { chain, signal } = setup([primary, new ScriptedProvider('openai')]);
      const parts = await collectStream(chain.stream(supportCall(), signal));
      expect(parts[0]).toEqual({ type: 'start', provider: 'openai', model: 'openai-model', fallbackUsed: true });
      expect(parts.filter((p) => p.type === 'start')).toHaveLength(1);
      expect(parts[1]).toEqual({ type: 'text', text: 'ok' });
      const direct = await collectStream(setup([new ScriptedProvider('anthropic')]).chain.stream(supportCall(), signal));
      expect(direct[0]).toEqual({ type: 'start', provider: 'anthropic', model: 'anthropic-model', fallbackUsed: false });
    });

    it('does not fall back after the first part: the failure reaches the consumer', async () => {
      const secondary = new ScriptedProvider('openai');
      const { chain, signal } = setup([new ScriptedProvider('anthropic', [{ kind: 'break', parts: 1, error: httpError('anthropic', 500) }]), secondary]);
      const seen: string[] = [];
      const error = await (async () => {
        for await (const part of chain.stream(supportCall(), signal)) if (part.type === 'text') seen.push(part.text);
      })().catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 500 });
      expect(seen).toEqual(['one']);
      expect(secondary.calls).toHaveLength(0);
    });

    it('closes the target stream when the consumer stops reading', async () => {
      const primary = new ScriptedProvider('anthropic');
      const { chain, signal } = setup([primary]);
      for await (const _part of chain.stream(supportCall(), signal)) break;
      expect(primary.streamsClosed).toBe(1);
    });

    it('throws AllProvidersFailedError when no target can start a stream', async () => {
      const { chain, signal } = setup([disabled('anthropic'), new ScriptedProvider('openai', [{ kind: 'fail', error: httpError('openai', 503) }])]);
      await expect(collectStream(chain.stream(supportCall(), signal))).rejects.toBeInstanceOf(AllProvidersFailedError);
    });
  });
});
