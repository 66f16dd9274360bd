import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { collectStream } from '../../test/support/model-call.js';
import { httpError, supportCall, ScriptedProvider } from '../../test/support/scripted-provider.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { GatewayEventMap } from '../events/gateway-events.js';
import { AttemptEventsProvider } from './attempt-events-provider.js';

function setup() {
  const inner = new ScriptedProvider('anthropic');
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const attempts: GatewayEventMap['provider.attempt'][] = [];
  events.on('provider.attempt', (e) => void attempts.push(e));
  const provider = new AttemptEventsProvider(inner, events);
  return { inner, provider, attempts, signal: new AbortController().signal };
}

describe('AttemptEventsProvider', () => {
  it('dispatches provider.attempt with the error kind and status on failure, and rethrows', async () => {
    const { inner, provider, attempts, signal } = setup();
    inner.script({ kind: 'fail', error: httpError('anthropic', 503) });
    await expect(provider.complete(supportCall(), signal)).rejects.toMatchObject({ status: 503 });
    expect(attempts).toEqual([
      { type: 'provider.attempt', requestId: 'req-1', agent: 'support', provider: 'anthropic', model: 'claude-sonnet-4-5', attempt: 1, outcome: 'error', durationMs: expect.any(Number), streamed: false, errorKind: 'http', status: 503 },
    ]);
  });

  it('reports an abort as such', async () => {
    const { inner, provider, attempts } = setup();
    const controller = new AbortController();
    inner.script({ kind: 'hang' });
    const call = provider.complete(supportCall(), controller.signal);
    controller.abort();
    await expect(call).rejects.toMatchObject({ kind: 'aborted' });
    expect(attempts[0]!.outcome).toBe('aborted');
  });

  it('dispatches provider.attempt with usage on success', async () => {
    const { provider, attempts, signal } = setup();
    await provider.complete(supportCall({ attempt: 3 }), signal);
    expect(attempts[0]).toMatchObject({ outcome: 'success', usage: { inputTokens: 3, outputTokens: 2 }, streamed: false, attempt: 3 });
  });

  describe('stream()', () => {
    it('reports the attempt at the finish part, with its usage', async () => {
      const { provider, attempts, signal } = setup();
      await collectStream(provider.stream(supportCall(), signal));
      expect(attempts).toEqual([expect.objectContaining({ outcome: 'success', streamed: true, usage: { inputTokens: 3, outputTokens: 3 } })]);
    });

    it('reports an error when the stream fails midway', async () => {
      const { inner, provider, attempts, signal } = setup();
      inner.script({ kind: 'break', parts: 2, error: httpError('anthropic', 500) });
      await expect(collectStream(provider.stream(supportCall(), signal))).rejects.toMatchObject({ status: 500 });
      expect(attempts[0]).toMatchObject({ outcome: 'error', streamed: true, status: 500 });
    });

    it('reports an abort when the consumer stops reading, and closes the upstream stream', async () => {
      const { provider, attempts, inner, signal } = setup();
      for await (const _part of provider.stream(supportCall(), signal)) break;
      expect(inner.streamsClosed).toBe(1);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]!.outcome).toBe('aborted');
    });
  });
});
