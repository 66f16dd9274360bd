import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockOpenAI, type MockUpstream } from '../../../test/support/mock-upstreams.js';
import type { ModelCall } from '../provider.js';
import { OpenAIProvider } from './openai-provider.js';
import { collectStream, modelCall } from '../../../test/support/model-call.js';

const KEY = 'sk-proj-test-key';

const call = (overrides: Partial<ModelCall> = {}): ModelCall => modelCall({ model: 'gpt-4o-mini', temperature: 0.7, maxTokens: 128, ...overrides });

const collect = collectStream;

function sse(chunks: readonly unknown[]): string {
  return [...chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`), 'data: [DONE]\n\n'].join('');
}

describe('OpenAIProvider', () => {
  let mock: MockUpstream;
  let provider: OpenAIProvider;

  beforeEach(async () => {
    mock = await startMockOpenAI();
    provider = new OpenAIProvider({ name: 'gpt', type: 'openai', apiKey: KEY, baseUrl: mock.url, timeoutMs: 2_000 });
  });

  afterEach(async () => {
    await provider.close();
    await mock.close();
  });

  it('sends a Chat Completions request with a bearer key and the system prompt first', async () => {
    await provider.complete(call(), AbortSignal.timeout(5_000));

    const [request] = mock.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-api-key']).toBeUndefined();
    expect(request?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: 'what is OSSA?' },
      ],
      max_tokens: 128,
      temperature: 0.7,
    });
    expect(JSON.stringify(request?.body)).not.toContain('req-123');
  });

  it('sends no Authorization header without a key (local OpenAI-compatible servers)', async () => {
    const local = new OpenAIProvider({ name: 'ollama', type: 'openai-compatible', baseUrl: mock.url, timeoutMs: 2_000 });
    const result = await local.complete(call({ system: '' }), AbortSignal.timeout(5_000));
    await local.close();

    expect(local.type).toBe('openai-compatible');
    expect(result.provider).toBe('ollama');
    expect(mock.requests[0]?.headers.authorization).toBeUndefined();
    expect((mock.requests[0]?.body as { messages: unknown[] }).messages[0]).toEqual({ role: 'user', content: 'first question' });
  });

  it('answers with text, model, usage, finish reason and its own name', async () => {
    const result = await provider.complete(call(), AbortSignal.timeout(5_000));
    expect(provider.type).toBe('openai');
    expect(result).toEqual({
      text: 'echo: what is OSSA?',
      model: 'gpt-4o-mini',
      provider: 'gpt',
      usage: { inputTokens: 10, outputTokens: 4 },
      finishReason: 'stop',
    });
  });

  it('maps finish_reason length and tool_calls', async () => {
    mock.script({ kind: 'reply', finish: 'length' }, { kind: 'reply', finish: 'tool_calls' });
    expect((await provider.complete(call(), AbortSignal.timeout(5_000))).finishReason).toBe('length');
    expect((await provider.complete(call(), AbortSignal.timeout(5_000))).finishReason).toBe('tool_calls');
  });

  it('counts zero tokens when the server sends no usage', async () => {
    mock.script({ kind: 'reply', usage: false }, { kind: 'reply', usage: false });
    expect((await provider.complete(call(), AbortSignal.timeout(5_000))).usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    const parts = await collect(provider.stream(call(), AbortSignal.timeout(5_000)));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', usage: { inputTokens: 0, outputTokens: 0 } });
  });

  it('reads a null content (tool calls only) as empty text', async () => {
    const body = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [] }, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    };
    mock.script({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(await provider.complete(call(), AbortSignal.timeout(5_000))).toMatchObject({ text: '', finishReason: 'tool_calls' });
  });

  it('streams with include_usage: text parts, then a finish part with the final usage chunk', async () => {
    mock.script({ kind: 'reply', model: 'gpt-4o-mini-2024-07-18' });
    const parts = await collect(provider.stream(call(), AbortSignal.timeout(5_000)));

    expect(mock.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(mock.requests[0]?.headers.accept).toBe('text/event-stream');
    const texts = parts.filter((part) => part.type === 'text');
    expect(texts.map((part) => part.text)).toEqual(['echo: ', 'what ', 'is ', 'OSSA?']);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      model: 'gpt-4o-mini-2024-07-18',
      provider: 'gpt',
      usage: { inputTokens: 10, outputTokens: 4 },
      finishReason: 'stop',
    });
  });

  it('streams with pauses between chunks', async () => {
    mock.script({ kind: 'reply', text: 'one two three', chunkDelayMs: 20, finish: 'length' });
    const parts = await collect(provider.stream(call(), AbortSignal.timeout(5_000)));
    expect(parts.map((part) => (part.type === 'finish' ? `<${part.finishReason}>` : part.type === 'text' ? part.text : '')).join('')).toBe('one two three<length>');
  });

  it('takes usage sent beside finish_reason (vLLM, older servers) and skips empty deltas', async () => {
    const body = sse([
      { object: 'chat.completion.chunk', model: 'llama3', choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] },
      { object: 'chat.completion.chunk', model: 'llama3', choices: [{ index: 0, delta: { content: '' }, finish_reason: null }] },
      { object: 'chat.completion.chunk', model: 'llama3', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] },
      {
        object: 'chat.completion.chunk',
        model: 'llama3',
        choices: [{ index: 0, delta: {}, finish_reason: 'content_filter' }],
        usage: { prompt_tokens: 3, completion_tokens: 1 },
      },
    ]);
    mock.script({ kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, body });
    expect(await collect(provider.stream(call(), AbortSignal.timeout(5_000)))).toEqual([
      { type: 'text', text: 'hi' },
      { type: 'finish', model: 'llama3', provider: 'gpt', usage: { inputTokens: 3, outputTokens: 1 }, finishReason: 'content_filter' },
    ]);
  });

  it('keeps a base URL path prefix and query (proxies, Azure-style api-version)', async () => {
    const proxied = new OpenAIProvider({ name: 'gpt', type: 'openai', apiKey: KEY, baseUrl: `${mock.url}?api-version=1`, timeoutMs: 2_000 });
    await proxied.complete(call(), AbortSignal.timeout(5_000));
    await proxied.close();
    expect(mock.requests[0]?.path).toBe('/v1/chat/completions?api-version=1');
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

  describe('tool calls', () => {
    const tools = [
      { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } },
    ];
    const parallel = {
      kind: 'reply' as const,
      toolCalls: [
        { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 'call_b', name: 'get_time', arguments: '{"zone":"CET"}' },
      ],
    };

    it('sends the tools and answers with the calls, ids and arguments as the upstream gave them', async () => {
      mock.script(parallel);
      const result = await provider.complete(call({ tools, toolChoice: 'auto', parallelToolCalls: true }), AbortSignal.timeout(5_000));
      expect(mock.requests[0]?.body).toMatchObject({ tools: [{ type: 'function', function: { name: 'get_weather' } }, { type: 'function', function: { name: 'get_time' } }], tool_choice: 'auto', parallel_tool_calls: true });
      expect(result).toMatchObject({ text: '', finishReason: 'tool_calls', toolCalls: [{ id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' }, { id: 'call_b', name: 'get_time', arguments: '{"zone":"CET"}' }] });
    });

    it.each([false, true])('streams two parallel calls with distinct index, id and name (interleaved: %s)', async (interleaveToolCalls) => {
      mock.script({ ...parallel, interleaveToolCalls });
      const parts = await collect(provider.stream(call({ tools }), AbortSignal.timeout(5_000)));
      expect(parts.filter((part) => part.type === 'tool-call-start')).toEqual([
        { type: 'tool-call-start', index: 0, id: 'call_a', name: 'get_weather' },
        { type: 'tool-call-start', index: 1, id: 'call_b', name: 'get_time' },
      ]);
      const args = (index: number) => parts.map((part) => (part.type === 'tool-call-delta' && part.index === index ? part.argumentsDelta : '')).join('');
      expect([args(0), args(1)]).toEqual(['{"city":"Paris"}', '{"zone":"CET"}']);
      const ends = parts.flatMap((part, at) => (part.type === 'tool-call-end' ? [[part.index, at]] : []));
      expect(ends.map(([index]) => index)).toEqual([0, 1]);
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool_calls' });
      expect(Math.max(...ends.map(([, at]) => at!))).toBe(parts.length - 2);
    });

    it('sends a tool-result follow-up as role: tool messages and reads the answer', async () => {
      const result = await provider.complete(
        call({
          tools,
          messages: [
            { role: 'user', content: 'weather?' },
            { role: 'assistant', content: '', toolCalls: [{ id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
            { role: 'tool', toolCallId: 'call_a', content: '14 C' },
          ],
        }),
        AbortSignal.timeout(5_000),
      );
      expect((mock.requests[0]?.body as { messages: unknown[] }).messages.slice(-2)).toEqual([
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_a', content: '14 C' },
      ]);
      expect(result).toMatchObject({ text: 'echo: 14 C', finishReason: 'stop' });
    });

    it('uses max_completion_tokens for an OpenAI reasoning model, and the configured field elsewhere', async () => {
      await provider.complete(call({ model: 'o3-mini' }), AbortSignal.timeout(5_000));
      expect(mock.requests[0]?.body).toMatchObject({ max_completion_tokens: 128 });
      expect(mock.requests[0]?.body).not.toHaveProperty('temperature');
      const azure = new OpenAIProvider({ name: 'azure', type: 'openai-compatible', baseUrl: mock.url, timeoutMs: 2_000, tokenLimitParam: 'max_completion_tokens' });
      await azure.complete(call({ model: 'my-deployment' }), AbortSignal.timeout(5_000));
      await azure.close();
      expect(mock.requests[1]?.body).toMatchObject({ max_completion_tokens: 128, temperature: 0.7 });
      expect(mock.requests[1]?.body).not.toHaveProperty('max_tokens');
    });
  });
});
