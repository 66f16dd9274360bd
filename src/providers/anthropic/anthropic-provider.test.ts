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

  describe('tool use', () => {
    const tools = [
      { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
      { name: 'get_time', parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] } },
    ];
    const parallel = {
      kind: 'reply' as const,
      text: 'Checking.',
      toolCalls: [
        { id: 'toolu_a', name: 'get_weather', arguments: { location: 'Paris' } },
        { id: 'toolu_b', name: 'get_time', arguments: { timezone: 'Europe/Paris' } },
      ],
    };

    it('answers tool_use blocks as tool calls, arguments the JSON text of their input', async () => {
      mock.script(parallel);
      const result = await provider.complete(call({ tools }), AbortSignal.timeout(5_000));
      expect(result).toMatchObject({
        text: 'Checking.',
        finishReason: 'tool_calls',
        toolCalls: [
          { id: 'toolu_a', name: 'get_weather', arguments: '{"location":"Paris"}' },
          { id: 'toolu_b', name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
        ],
      });
      expect(mock.requests[0]?.body).toMatchObject({ tools: [{ name: 'get_weather', input_schema: tools[0]!.parameters }, { name: 'get_time' }] });
    });

    it('streams two parallel tool_use blocks with distinct index, id and name, each ended before the finish', async () => {
      mock.script(parallel);
      const parts = await collect(provider.stream(call({ tools }), AbortSignal.timeout(5_000)));
      expect(parts.filter((part) => part.type === 'tool-call-start')).toEqual([
        { type: 'tool-call-start', index: 0, id: 'toolu_a', name: 'get_weather' },
        { type: 'tool-call-start', index: 1, id: 'toolu_b', name: 'get_time' },
      ]);
      const args = (index: number) => parts.map((part) => (part.type === 'tool-call-delta' && part.index === index ? part.argumentsDelta : '')).join('');
      expect([args(0), args(1)]).toEqual(['{"location":"Paris"}', '{"timezone":"Europe/Paris"}']);
      expect(parts.filter((part) => part.type === 'tool-call-end')).toEqual([{ type: 'tool-call-end', index: 0 }, { type: 'tool-call-end', index: 1 }]);
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool_calls' });
    });

    it('sends two tool results as one user turn and reads the answer to them', async () => {
      const result = await provider.complete(
        call({
          tools,
          messages: [
            { role: 'user', content: 'weather and time?' },
            { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_a', name: 'get_weather', arguments: '{"location":"Paris"}' }, { id: 'toolu_b', name: 'get_time', arguments: '{"timezone":"CET"}' }] },
            { role: 'tool', toolCallId: 'toolu_a', content: '14 C' },
            { role: 'tool', toolCallId: 'toolu_b', content: 'timed out', isError: true },
          ],
        }),
        AbortSignal.timeout(5_000),
      );
      const sent = (mock.requests[0]?.body as { messages: unknown[] }).messages;
      expect(sent).toHaveLength(3);
      expect(sent[2]).toEqual({
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: '14 C' },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: 'timed out', is_error: true },
        ],
      });
      expect(result).toMatchObject({ text: 'echo: 14 C timed out', finishReason: 'stop' });
    });

    it('answers a response format through the forced tool: JSON text, streamed and not', async () => {
      const responseFormat = { type: 'json_schema' as const, name: 'weather', schema: { type: 'object', properties: { celsius: { type: 'number' }, sky: { enum: ['clear', 'rain'] } }, required: ['celsius', 'sky'] } };
      const result = await provider.complete(call({ responseFormat }), AbortSignal.timeout(5_000));
      expect(mock.requests[0]?.body).toMatchObject({ tools: [{ name: 'weather', input_schema: responseFormat.schema }], tool_choice: { type: 'tool', name: 'weather' } });
      expect(result).toMatchObject({ text: '{"celsius":0,"sky":"clear"}', finishReason: 'stop' });
      expect(result).not.toHaveProperty('toolCalls');
      const parts = await collect(provider.stream(call({ responseFormat }), AbortSignal.timeout(5_000)));
      expect(parts.filter((part) => part.type.startsWith('tool-call'))).toEqual([]);
      expect(JSON.parse(parts.map((part) => (part.type === 'text' ? part.text : '')).join(''))).toEqual({ celsius: 0, sky: 'clear' });
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    });

    it('passes the anthropic-beta flags a call carries, and none otherwise', async () => {
      await provider.complete(call({ providerOptions: { anthropic: { beta: ['prompt-caching-2024-07-31', 'token-efficient-tools-2025-02-19'] } } }), AbortSignal.timeout(5_000));
      await provider.complete(call(), AbortSignal.timeout(5_000));
      expect(mock.requests[0]?.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31,token-efficient-tools-2025-02-19');
      expect(mock.requests[1]?.headers['anthropic-beta']).toBeUndefined();
    });

    it('reports prompt-cache usage: inputTokens counts every input token, the cache counts beside it', async () => {
      mock.script({ kind: 'reply', usage: { input: 10, output: 5, cacheRead: 1000, cacheWrite: 50 } }, { kind: 'reply', usage: { input: 10, output: 5, cacheRead: 1000, cacheWrite: 50 } });
      const expected = { inputTokens: 1060, outputTokens: 5, cacheReadInputTokens: 1000, cacheCreationInputTokens: 50 };
      expect((await provider.complete(call(), AbortSignal.timeout(5_000))).usage).toEqual(expected);
      expect((await collect(provider.stream(call(), AbortSignal.timeout(5_000)))).at(-1)).toMatchObject({ usage: expected });
    });
  });
});
