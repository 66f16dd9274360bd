import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockAnthropic, type MockUpstream } from '../../../test/support/mock-upstreams.js';
import type { ModelCall } from '../provider.js';
import { AnthropicProvider } from './anthropic-provider.js';
import { collectStream, modelCall } from '../../../test/support/model-call.js';

const KEY = 'sk-ant-test-key';

const call = (overrides: Partial<ModelCall> = {}): ModelCall => modelCall(overrides);

const collect = collectStream;

describe('AnthropicProvider', () => {
  let mock: MockUpstream;
  let provider: AnthropicProvider;

  beforeEach(async () => {
    mock = await startMockAnthropic();
    provider = new AnthropicProvider({ name: 'claude', apiKey: KEY, baseUrl: mock.url, timeoutMs: 2_000 });
  });

  afterEach(async () => {
    await provider.close();
    await mock.close();
  });

  it('sends a Messages API request with the key, version and call fields', async () => {
    await provider.complete(call(), AbortSignal.timeout(5_000));

    const [request] = mock.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers['x-api-key']).toBe(KEY);
    expect(request?.headers['anthropic-version']).toBe('2023-06-01');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toEqual({
      model: 'claude-sonnet-4-5',
      system: 'You are terse.',
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: 'what is OSSA?' },
      ],
      max_tokens: 256,
      temperature: 0.2,
    });
  });

  it('never sends call meta upstream', async () => {
    await provider.complete(call(), AbortSignal.timeout(5_000));
    const wire = JSON.stringify(mock.requests[0]);
    expect(wire).not.toContain('req-123');
    expect(wire).not.toContain('user-9');
  });

  it('leaves out an empty system prompt', async () => {
    await provider.complete(call({ system: '' }), AbortSignal.timeout(5_000));
    expect(mock.requests[0]?.body).not.toHaveProperty('system');
  });

  it('answers with text, model, usage, finish reason and its own name', async () => {
    const result = await provider.complete(call(), AbortSignal.timeout(5_000));
    expect(result).toEqual({
      text: 'echo: what is OSSA?',
      model: 'claude-sonnet-4-5',
      provider: 'claude',
      // the mock counts words: 3 + 2 + 2 + 3 prompt words, 4 answer words
      usage: { inputTokens: 10, outputTokens: 4 },
      finishReason: 'stop',
    });
  });

  it('reports the model the upstream names and maps max_tokens to length', async () => {
    mock.script({ kind: 'reply', model: 'claude-sonnet-4-5-20250929', finish: 'max_tokens', usage: { input: 7, output: 256 } });
    const result = await provider.complete(call(), AbortSignal.timeout(5_000));
    expect(result.model).toBe('claude-sonnet-4-5-20250929');
    expect(result.finishReason).toBe('length');
    expect(result.usage).toEqual({ inputTokens: 7, outputTokens: 256 });
  });

  it('concatenates text blocks and skips other block types', async () => {
    const body = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [
        { type: 'text', text: 'Let me check. ' },
        { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} },
        { type: 'text', text: 'Done.' },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 5 },
    };
    mock.script({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const result = await provider.complete(call(), AbortSignal.timeout(5_000));
    expect(result.text).toBe('Let me check. Done.');
    expect(result.finishReason).toBe('tool_calls');
  });

  it('streams text deltas, then one finish part with usage and model', async () => {
    const parts = await collect(provider.stream(call(), AbortSignal.timeout(5_000)));

    expect(mock.requests[0]?.body).toMatchObject({ stream: true, max_tokens: 256 });
    expect(mock.requests[0]?.headers.accept).toBe('text/event-stream');
    const texts = parts.filter((part) => part.type === 'text');
    expect(texts.length).toBe(4);
    expect(texts.map((part) => part.text).join('')).toBe('echo: what is OSSA?');
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      model: 'claude-sonnet-4-5',
      provider: 'claude',
      usage: { inputTokens: 10, outputTokens: 4 },
      finishReason: 'stop',
    });
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
  });

  it('streams with pauses between events', async () => {
    mock.script({ kind: 'reply', text: 'slow and steady', chunkDelayMs: 20, finish: 'stop_sequence' });
    const parts = await collect(provider.stream(call(), AbortSignal.timeout(5_000)));
    expect(parts.map((part) => (part.type === 'finish' ? `<${part.finishReason}>` : part.type === 'text' ? part.text : '')).join('')).toBe('slow and steady<stop>');
  });

  it('skips ping, unknown events and non-text deltas in a stream', async () => {
    const frames = [
      ['message_start', { type: 'message_start', message: { model: 'claude-y', usage: { input_tokens: 2, output_tokens: 1 } } }],
      ['ping', { type: 'ping' }],
      ['some_future_event', { type: 'some_future_event' }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'ok' } }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'refusal' }, usage: { output_tokens: 1 } }],
      ['message_stop', { type: 'message_stop' }],
    ] as const;
    const body = frames.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');
    mock.script({ kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, body });

    const parts = await collect(provider.stream(call(), AbortSignal.timeout(5_000)));
    expect(parts).toEqual([
      { type: 'text', text: 'ok' },
      { type: 'finish', model: 'claude-y', provider: 'claude', usage: { inputTokens: 2, outputTokens: 1 }, finishReason: 'content_filter' },
    ]);
  });

  it('returns the connection to the pool after JSON and stream answers', async () => {
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await provider.complete(call(), AbortSignal.timeout(5_000));
    await settle();
    await collect(provider.stream(call(), AbortSignal.timeout(5_000)));
    await settle();
    await provider.complete(call(), AbortSignal.timeout(5_000));
    expect(mock.requests.map((request) => request.connection)).toEqual([1, 1, 1]);
  });

  it('closes its connections on close()', async () => {
    await provider.complete(call(), AbortSignal.timeout(5_000));
    expect(mock.openSockets).toBe(1);
    await provider.close();
    await mock.until(() => mock.openSockets === 0);
  });
});
