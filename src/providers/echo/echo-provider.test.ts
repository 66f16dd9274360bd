import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelCall } from '../provider.js';
import { ProviderError } from '../provider-error.js';
import { EchoProvider } from './echo-provider.js';
import { collectStream, modelCall } from '../../../test/support/model-call.js';

const call = (overrides: Partial<ModelCall> = {}): ModelCall =>
  modelCall({
    system: 'You are a helpful agent.',
    messages: [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'an answer' },
      { role: 'user', content: 'What  is OSSA? ' },
    ],
    temperature: 0,
    maxTokens: 100,
    meta: { requestId: 'r', agent: { name: 'a', version: null }, toolsCount: 0 },
    ...overrides,
  });

const collect = collectStream;

describe('EchoProvider', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers "[echo] <last user message>" with word-count usage, model echo and its name', async () => {
    const echo = new EchoProvider({ name: 'demo' });
    expect(echo.type).toBe('echo');
    expect(await echo.complete(call(), new AbortController().signal)).toEqual({
      text: '[echo] What  is OSSA? ',
      model: 'echo',
      provider: 'demo',
      // 5 system + 2 + 2 + 3 message words; 4 answer words
      usage: { inputTokens: 12, outputTokens: 4 },
      finishReason: 'stop',
    });
  });

  it('is deterministic', async () => {
    const echo = new EchoProvider({ name: 'demo' });
    const signal = new AbortController().signal;
    expect(await echo.complete(call(), signal)).toEqual(await echo.complete(call(), signal));
  });

  it('answers "[echo]" when there is no user message', async () => {
    const echo = new EchoProvider({ name: 'demo' });
    const result = await echo.complete(call({ system: '', messages: [] }), new AbortController().signal);
    expect(result).toMatchObject({ text: '[echo]', usage: { inputTokens: 0, outputTokens: 1 } });
  });

  it('streams word-sized parts that join to the complete answer, then one finish part', async () => {
    const echo = new EchoProvider({ name: 'demo' });
    const signal = new AbortController().signal;
    const parts = await collect(echo.stream(call(), signal));
    const complete = await echo.complete(call(), signal);

    expect(parts.slice(0, -1)).toEqual([
      { type: 'text', text: '[echo] ' },
      { type: 'text', text: 'What  ' },
      { type: 'text', text: 'is ' },
      { type: 'text', text: 'OSSA? ' },
    ]);
    expect(parts.at(-1)).toEqual({ type: 'finish', model: 'echo', provider: 'demo', usage: complete.usage, finishReason: 'stop' });
  });

  it('rejects an already-aborted call with a non-retryable aborted error', async () => {
    const echo = new EchoProvider({ name: 'demo' });
    const error = await echo.complete(call(), AbortSignal.abort()).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'demo', kind: 'aborted', retryable: false });
    await expect(collect(echo.stream(call(), AbortSignal.abort()))).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('waits delayMs before answering', async () => {
    vi.useFakeTimers();
    const echo = new EchoProvider({ name: 'demo', delayMs: 500 });
    let done = false;
    const pending = echo.complete(call(), new AbortController().signal).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(done).toBe(true);
  });

  it('stops waiting when the signal fires during the delay', async () => {
    vi.useFakeTimers();
    const echo = new EchoProvider({ name: 'demo', delayMs: 10_000 });
    const controller = new AbortController();
    const pending = echo.complete(call(), controller.signal).catch((reason: unknown) => reason);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'aborted', retryable: false });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('streams one word per delayMs and stops mid-stream on abort', async () => {
    vi.useFakeTimers();
    const echo = new EchoProvider({ name: 'demo', delayMs: 100 });
    const controller = new AbortController();
    const seen: string[] = [];
    const pending = (async () => {
      for await (const part of echo.stream(call(), controller.signal)) if (part.type === 'text') seen.push(part.text);
    })().catch((reason: unknown) => reason);

    await vi.advanceTimersByTimeAsync(100);
    expect(seen).toEqual(['[echo] ']);
    await vi.advanceTimersByTimeAsync(100);
    expect(seen).toHaveLength(2);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'aborted' });
    expect(seen).toHaveLength(2);
  });
});
