import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testAgent } from '../../test/support/agent-definition.js';
import { httpError, ScriptedProvider } from '../../test/support/scripted-provider.js';
import type { ModelCall, Provider, StreamPart } from '../providers/provider.js';
import { FallbackChainProvider } from '../resilience/fallback-chain-provider.js';
import { AgentExecutor } from './agent-executor.js';
import type { AgentStreamEvent } from './agent-stream-event.js';
import type { AgentRoute } from './agent-route.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { GatewayEvent } from '../events/gateway-events.js';
import { AgentNotFoundError } from './execution-errors.js';

function setup(provider: Provider, usable = [{ provider: provider.name, model: 'model-a' }], agent = testAgent('support')) {
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const seen: GatewayEvent[] = [];
  for (const type of ['agent.execution.start', 'agent.execution.complete', 'agent.execution.error'] as const) events.on(type, (e) => void seen.push(e));
  const route: AgentRoute = { agent, primary: usable[0]!, fallbacks: [], temperature: 0.5, maxTokens: 100, provider, usable };
  const executor = new AgentExecutor({ routes: new Map([['support', route]]), events });
  const types = () => seen.map((e) => e.type);
  return { executor, seen, types };
}

function chainOf(...providers: ScriptedProvider[]): FallbackChainProvider {
  return new FallbackChainProvider(
    providers.map((p) => ({ name: p.name, type: p.type, model: `${p.name}-model`, provider: p })),
    { agent: 'support', events: new EventDispatcher(pino({ level: 'silent' })) },
  );
}

/** Every event until the end, or the error it ended with; stops reading after `stopAfter` events. */
async function read(stream: AsyncIterable<AgentStreamEvent>, stopAfter?: number): Promise<{ events: AgentStreamEvent[]; error?: unknown }> {
  const events: AgentStreamEvent[] = [];
  try {
    for await (const event of stream) {
      events.push(event);
      if (events.length === stopAfter) break;
    }
    return { events };
  } catch (error) {
    return { events, error };
  }
}

const options = { requestId: 'req-1' };

describe('AgentExecutor.executeStream', () => {
  it('yields start naming who serves, a delta per text part, and done with the response execute would give; events once each', async () => {
    const { executor, types, seen } = setup(chainOf(new ScriptedProvider('claude', [{ kind: 'fail', error: httpError('claude', 503) }]), new ScriptedProvider('gpt', [{ kind: 'answer', text: 'one two three' }])));
    const { events, error } = await read(executor.executeStream('support', 'q', {}, options));
    expect(error).toBeUndefined();
    expect(events).toEqual([
      { type: 'start', request_id: 'req-1', agent: { name: 'support', version: '1.0.0' }, provider: 'gpt', model: 'gpt-model', cached: false },
      { type: 'delta', text: 'one' },
      { type: 'delta', text: ' two' },
      { type: 'delta', text: ' three' },
      {
        type: 'done',
        response: {
          request_id: 'req-1', agent: { name: 'support', version: '1.0.0' }, output: 'one two three', provider: 'gpt', model: 'gpt-model',
          usage: { input_tokens: 3, output_tokens: 3, total_tokens: 6 }, finish_reason: 'stop', duration_ms: expect.any(Number),
          fallback_used: true, attempts: 2, cached: false,
        },
      },
    ]);
    expect(types()).toEqual(['agent.execution.start', 'agent.execution.complete']);
    expect(seen[1]).toMatchObject({ response: { output: 'one two three' } });
  });

  it('does nothing until read: no event, no upstream call', async () => {
    const provider = new ScriptedProvider('claude');
    const { executor, types } = setup(provider);
    const stream = executor.executeStream('support', 'q', {}, options);
    expect(types()).toEqual([]);
    expect(provider.calls).toHaveLength(0);
    await read(stream);
    expect(provider.calls).toHaveLength(1);
  });

  it('throws before start when nothing was produced, with the error event', async () => {
    const { executor, types } = setup(chainOf(new ScriptedProvider('claude', [{ kind: 'fail', error: httpError('claude', 503) }])));
    const { events, error } = await read(executor.executeStream('support', 'q', {}, options));
    expect(events).toEqual([]);
    expect(error).toMatchObject({ name: 'ProviderError', status: 503 });
    expect(types()).toEqual(['agent.execution.start', 'agent.execution.error']);
  });

  it('throws after the deltas already yielded when the upstream fails midway, never done', async () => {
    const { executor, types } = setup(new ScriptedProvider('claude', [{ kind: 'break', parts: 2, error: httpError('claude', 500) }]));
    const { events, error } = await read(executor.executeStream('support', 'q', {}, options));
    expect(events.map((e) => e.type)).toEqual(['start', 'delta', 'delta']);
    expect(error).toMatchObject({ status: 500 });
    expect(types()).toEqual(['agent.execution.start', 'agent.execution.error']);
  });

  it('closes the upstream stream and ends as an abort when the consumer stops reading', async () => {
    const provider = new ScriptedProvider('claude');
    const { executor, types, seen } = setup(provider);
    await read(executor.executeStream('support', 'q', {}, options), 2);
    expect(provider.streamsClosed).toBe(1);
    expect(types()).toEqual(['agent.execution.start', 'agent.execution.error']);
    expect(seen[1]).toMatchObject({ error: { name: 'ProviderError', kind: 'aborted', provider: 'claude' } });
  });

  it('reads the upstream to its end after the finish part, so the layers below settle as a success', async () => {
    let readToEnd = false;
    const provider: Provider = {
      name: 'claude',
      type: 'anthropic',
      complete: () => Promise.reject(new Error('not used')),
      async *stream(call: ModelCall): AsyncGenerator<StreamPart, void, undefined> {
        yield { type: 'text', text: 'hi' };
        yield { type: 'finish', model: call.model, provider: 'claude', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' };
        readToEnd = true;
      },
    };
    const { executor } = setup(provider);
    expect((await read(executor.executeStream('support', 'q', {}, options))).events.at(-1)).toMatchObject({ type: 'done' });
    expect(readToEnd).toBe(true);
  });

  it('fails a stream that ends without a finish part', async () => {
    const provider: Provider = {
      name: 'claude',
      type: 'anthropic',
      complete: () => Promise.reject(new Error('not used')),
      async *stream(): AsyncGenerator<StreamPart, void, undefined> {
        yield { type: 'text', text: 'half an' };
      },
    };
    const { executor, types } = setup(provider);
    const { events, error } = await read(executor.executeStream('support', 'q', {}, options));
    expect(events.map((e) => e.type)).toEqual(['start', 'delta']);
    expect(error).toMatchObject({ kind: 'invalid_response', retryable: true });
    expect(types()).toEqual(['agent.execution.start', 'agent.execution.error']);
  });

  describe("the agent's deadline (timeoutSeconds)", () => {
    afterEach(() => vi.useRealTimers());

    /** An upstream that sends a delta every `everyMs`, forever, until its signal aborts (or never stops, when `deaf`). */
    function dripping(everyMs: number, deaf = false): Provider & { aborted: boolean } {
      const provider = {
        name: 'claude',
        type: 'anthropic' as const,
        aborted: false,
        complete: () => Promise.reject(new Error('not used')),
        async *stream(_call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
          for (;;) {
            await new Promise<void>((resolve, reject) => {
              const timer = setTimeout(resolve, everyMs);
              if (deaf) return;
              signal.addEventListener('abort', () => {
                clearTimeout(timer);
                provider.aborted = true;
                reject(new Error('aborted'));
              }, { once: true });
            });
            yield { type: 'text', text: 'tick ' };
          }
        },
      };
      return provider;
    }

    it('ends a stream that keeps sending with a timeout once the deadline passes, aborting the upstream', async () => {
      vi.useFakeTimers();
      const upstream = dripping(2_000);
      const { executor, types, seen } = setup(upstream, undefined, testAgent('support', { timeoutSeconds: 8 }));
      const reading = read(executor.executeStream('support', 'q', {}, options));
      await vi.advanceTimersByTimeAsync(8_001);
      const { events, error } = await reading;
      expect(events.map((e) => e.type)).toEqual(['start', 'delta', 'delta', 'delta']);
      expect(error).toMatchObject({ name: 'ProviderError', kind: 'timeout', retryable: false, message: "claude: the agent's deadline of 8 s (timeoutSeconds) passed before the stream ended" });
      expect(upstream.aborted).toBe(true);
      expect(types()).toEqual(['agent.execution.start', 'agent.execution.error']);
      expect(seen[1]).toMatchObject({ error: { kind: 'timeout' } });
    });

    it('holds even when the upstream ignores its signal', async () => {
      vi.useFakeTimers();
      const { executor } = setup(dripping(60_000, true), undefined, testAgent('support', { timeoutSeconds: 1 }));
      const reading = read(executor.executeStream('support', 'q', {}, options));
      await vi.advanceTimersByTimeAsync(1_001);
      const { events, error } = await reading;
      // Nothing came before the deadline: the stream fails before its start, the route answers 503.
      expect(events).toEqual([]);
      expect(error).toMatchObject({ kind: 'timeout' });
    });

    it('leaves a stream that ends in time alone', async () => {
      vi.useFakeTimers();
      const { executor } = setup(new ScriptedProvider('claude'), undefined, testAgent('support', { timeoutSeconds: 1 }));
      const { events, error } = await read(executor.executeStream('support', 'q', {}, options));
      expect(error).toBeUndefined();
      expect(events.at(-1)).toMatchObject({ type: 'done' });
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  it('throws the 404 of an unknown agent at the first read, with no event', async () => {
    const { executor, types } = setup(new ScriptedProvider('claude'));
    expect((await read(executor.executeStream('nobody', 'q', {}, options))).error).toBeInstanceOf(AgentNotFoundError);
    expect(types()).toEqual([]);
  });
});
