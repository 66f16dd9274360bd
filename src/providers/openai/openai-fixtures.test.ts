import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockOpenAI, type MockUpstream } from '../../../test/support/mock-upstreams.js';
import { collectStream, modelCall } from '../../../test/support/model-call.js';
import { jsonFixture, readParts, sseEvents, textFixture } from '../../../test/support/wire-fixtures.js';
import type { ModelCall, StreamPart } from '../provider.js';
import { ToolCallAssembler, isToolCallPart } from '../tool-call-assembler.js';
import { OpenAIProvider } from './openai-provider.js';
import { toOpenAIRequest } from './openai-request.js';
import { OpenAIStreamReader } from './openai-stream-reader.js';
import { fromOpenAICompletion } from './openai-wire.js';

// One test per mapping, on wire bodies and SSE transcripts shaped as OpenAI's API reference
// and guides show them (function calling, parallel calls, structured outputs, prompt caching),
// plus the shapes of compatible servers (vLLM interleaving, Ollama's index 0).

const fixture = (name: string): unknown => jsonFixture(import.meta.url, name);
const transcript = (name: string): ReturnType<typeof sseEvents> => sseEvents(textFixture(import.meta.url, name));

const WEATHER_PARAMETERS = {
  type: 'object',
  properties: {
    location: { type: 'string', description: 'City and country e.g. Bogotá, Colombia' },
    units: { type: ['string', 'null'], enum: ['celsius', 'fahrenheit'] },
  },
  required: ['location', 'units'],
  additionalProperties: false,
};

const call = (overrides: Partial<ModelCall>): ModelCall =>
  modelCall({ model: 'gpt-4.1', system: 'You are a weather assistant.', temperature: 1, maxTokens: 256, ...overrides });

function assembled(parts: readonly StreamPart[]): ToolCallAssembler {
  const calls = new ToolCallAssembler();
  for (const part of parts) if (isToolCallPart(part)) expect(calls.add(part)).toBe(true);
  return calls;
}

describe('OpenAI requests (to the wire)', () => {
  it('maps tools, a named tool choice, parallel calls off, stop, top_p and penalties', () => {
    const body = toOpenAIRequest(
      call({
        messages: [{ role: 'user', content: 'What is the weather like in Paris today?' }],
        maxTokens: 512,
        temperature: 0.2,
        topP: 0.9,
        frequencyPenalty: 0.5,
        presencePenalty: -0.5,
        stop: ['\n\nUser:', 'END'],
        tools: [
          { name: 'get_weather', description: 'Get current temperature for a given location.', parameters: WEATHER_PARAMETERS, strict: true },
          { name: 'send_email', parameters: { type: 'object', properties: { to: { type: 'string' }, body: { type: 'string' } }, required: ['to', 'body'] } },
        ],
        toolChoice: { name: 'get_weather' },
        parallelToolCalls: false,
      }),
      false,
      { type: 'openai' },
    );
    expect(body).toEqual(fixture('request-tools.json'));
  });

  it('maps a history of image parts, assistant tool calls (content null) and tool results, images of a tool after the run', () => {
    const body = toOpenAIRequest(
      call({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is the weather like where these photos were taken?' },
              {
                type: 'image',
                source: { kind: 'url', url: 'https://upload.wikimedia.org/wikipedia/commons/4/4b/La_Tour_Eiffel_vue_de_la_Tour_Saint-Jacques%2C_Paris_ao%C3%BBt_2014_%282%29.jpg' },
                detail: 'high',
              },
              {
                type: 'image',
                source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=' },
              },
            ],
          },
          {
            role: 'assistant',
            content: '',
            toolCalls: [
              { id: 'call_12345xyz', name: 'get_weather', arguments: '{"location":"Paris, France"}' },
              { id: 'call_67890abc', name: 'get_weather', arguments: '{"location":"Bogotá, Colombia"}' },
            ],
          },
          { role: 'tool', toolCallId: 'call_12345xyz', name: 'get_weather', content: '{"temperature":14,"units":"celsius"}' },
          {
            role: 'tool',
            toolCallId: 'call_67890abc',
            content: [
              { type: 'text', text: 'radar image attached' },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/radar/bogota.png' } },
            ],
            isError: false,
          },
          { role: 'assistant', content: 'Paris is 14°C; the radar shows rain over Bogotá.' },
          { role: 'user', content: 'Thanks!' },
        ],
        tools: [{ name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } }],
      }),
      false,
      { type: 'openai' },
    );
    expect(body).toEqual(fixture('request-tool-history.json'));
  });

  it('maps a json_schema response format with name, description, schema and strict', () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, date: { type: 'string' }, participants: { type: 'array', items: { type: 'string' } } },
      required: ['name', 'date', 'participants'],
      additionalProperties: false,
    };
    const body = toOpenAIRequest(
      call({
        model: 'gpt-4o-2024-08-06',
        system: 'Extract the event information.',
        messages: [{ role: 'user', content: 'Alice and Bob are going to a science fair on Friday.' }],
        temperature: 0,
        maxTokens: 1024,
        responseFormat: { type: 'json_schema', name: 'calendar_event', description: 'An event on a calendar', schema, strict: true },
      }),
      false,
      { type: 'openai' },
    );
    expect(body).toEqual(fixture('request-json-schema.json'));
  });

  it('sends max_completion_tokens and no temperature to a reasoning model on OpenAI, json_object, streamed', () => {
    const body = toOpenAIRequest(
      call({
        model: 'o4-mini',
        system: '',
        messages: [
          {
            role: 'user',
            content: "Write a bash script that takes a matrix represented as a string with format '[1,2],[3,4],[5,6]' and prints the transpose in the same format.",
          },
        ],
        temperature: 0.7,
        maxTokens: 4096,
        responseFormat: { type: 'json_object' },
      }),
      true,
      { type: 'openai' },
    );
    expect(body).toEqual(fixture('request-reasoning-model.json'));
  });
});

describe('OpenAI responses (from the wire)', () => {
  it('maps message.tool_calls to toolCalls (ids, names, arguments verbatim) and cached_tokens to cacheReadInputTokens', () => {
    expect(fromOpenAICompletion(fixture('response-tool-calls.json'), 'gpt', call({}))).toEqual({
      text: '',
      toolCalls: [
        { id: 'call_12345xyz', name: 'get_weather', arguments: '{"location":"Paris, France"}' },
        { id: 'call_67890abc', name: 'get_weather', arguments: '{"location":"Bogotá, Colombia"}' },
      ],
      model: 'gpt-4.1-2025-04-14',
      provider: 'gpt',
      usage: { inputTokens: 2006, outputTokens: 300, cacheReadInputTokens: 1920 },
      finishReason: 'tool_calls',
    });
  });

  it('maps a structured-output answer to its JSON text, without a zero cache count', () => {
    const result = fromOpenAICompletion(fixture('response-json-schema.json'), 'gpt', call({}));
    expect(JSON.parse(result.text)).toEqual({ name: 'science fair', date: 'Friday', participants: ['Alice', 'Bob'] });
    expect(result).toMatchObject({ finishReason: 'stop', usage: { inputTokens: 81, outputTokens: 19 } });
    expect(result.usage).not.toHaveProperty('cacheReadInputTokens');
    expect(result).not.toHaveProperty('toolCalls');
  });
});

describe('OpenAI refusals (from the wire)', () => {
  it('maps a structured-output refusal to its words as the text, finished as content_filter', () => {
    expect(fromOpenAICompletion(fixture('response-refusal.json'), 'gpt', call({}))).toEqual({
      text: "I'm sorry, I cannot assist with that request.",
      model: 'gpt-4o-2024-08-06',
      provider: 'gpt',
      usage: { inputTokens: 81, outputTokens: 11 },
      finishReason: 'content_filter',
    });
  });
});

describe('OpenAI streams (from the wire)', () => {
  it('streams a structured-output answer as text parts that join to the JSON', () => {
    const parts = readParts(new OpenAIStreamReader('gpt', call({})), transcript('stream-json-schema.sse'));
    const text = parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
    expect(JSON.parse(text)).toEqual({ name: 'science fair', date: 'Friday', participants: ['Alice', 'Bob'] });
    expect(parts.at(-1)).toEqual({ type: 'finish', model: 'gpt-4o-2024-08-06', provider: 'gpt', usage: { inputTokens: 81, outputTokens: 19 }, finishReason: 'stop' });
  });

  it('streams a refusal as text, finished as content_filter', () => {
    const refusal = (delta: unknown, finish: string | null = null) => ({ data: JSON.stringify({ model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }] }) });
    const parts = readParts(new OpenAIStreamReader('gpt', call({})), [refusal({ role: 'assistant', content: null, refusal: '' }), refusal({ refusal: "I'm sorry" }), refusal({}, 'stop'), { data: '[DONE]' }]);
    expect(parts).toEqual([{ type: 'text', text: "I'm sorry" }, expect.objectContaining({ type: 'finish', finishReason: 'content_filter' })]);
  });

  it('keeps two parallel tool calls apart: distinct index, id and name, one start each, ends before finish', () => {
    const parts = readParts(new OpenAIStreamReader('gpt', call({})), transcript('stream-parallel-tool-calls.sse'));
    expect(parts).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call_12345xyz', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"lo' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: 'cation":"Pa' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: 'ris, France"}' },
      { type: 'tool-call-start', index: 1, id: 'call_67890abc', name: 'get_time' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"timezone":' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '"America/Bogota"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-end', index: 1 },
      {
        type: 'finish',
        model: 'gpt-4.1-2025-04-14',
        provider: 'gpt',
        usage: { inputTokens: 2006, outputTokens: 46, cacheReadInputTokens: 1920 },
        finishReason: 'tool_calls',
      },
    ]);
  });

  it('reassembles calls whose argument deltas interleave, after text, each from its own deltas only', () => {
    const parts = readParts(new OpenAIStreamReader('vllm', call({})), transcript('stream-interleaved-tool-calls.sse'));
    expect(parts.filter((part) => part.type === 'text')).toEqual([{ type: 'text', text: 'Let me compute both.' }]);
    expect(parts.filter((part) => part.type === 'tool-call-start')).toEqual([
      { type: 'tool-call-start', index: 0, id: 'chatcmpl-tool-a1', name: 'multiply' },
      { type: 'tool-call-start', index: 1, id: 'chatcmpl-tool-b2', name: 'add' },
    ]);
    expect(assembled(parts).toolCalls()).toEqual([
      { id: 'chatcmpl-tool-a1', name: 'multiply', arguments: '{"a": 3, "b": 12}' },
      { id: 'chatcmpl-tool-b2', name: 'add', arguments: '{"a": 11, "b": 49}' },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool_calls', model: 'Qwen/Qwen3-8B' });
  });

  it("tells apart parallel calls a server sends all at index 0 (Ollama) by their ids, and finishes 'stop' as tool_calls", () => {
    const parts = readParts(new OpenAIStreamReader('ollama', call({})), transcript('stream-ollama-tool-calls.sse'));
    expect(parts).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call_x7k2p9qa', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":"Paris"}' },
      { type: 'tool-call-start', index: 1, id: 'call_m3n8v1zb', name: 'get_weather' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"city":"London"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-end', index: 1 },
      { type: 'finish', model: 'llama3.2', provider: 'ollama', usage: { inputTokens: 180, outputTokens: 40 }, finishReason: 'tool_calls' },
    ]);
  });
});

describe('OpenAIProvider on the recorded transcripts', () => {
  let mock: MockUpstream;
  let provider: OpenAIProvider;

  beforeEach(async () => {
    mock = await startMockOpenAI();
    provider = new OpenAIProvider({ name: 'gpt', type: 'openai', apiKey: 'sk-test', baseUrl: mock.url, timeoutMs: 2_000 });
  });

  afterEach(async () => {
    await provider.close();
    await mock.close();
  });

  it('streams the parallel-call transcript over HTTP into the same parts', async () => {
    mock.script({ kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, body: textFixture(import.meta.url, 'stream-parallel-tool-calls.sse') });
    const parts = await collectStream(provider.stream(call({}), AbortSignal.timeout(5_000)));
    expect(parts).toEqual(readParts(new OpenAIStreamReader('gpt', call({})), transcript('stream-parallel-tool-calls.sse')));
  });

  it('answers the tool-call body over HTTP with the same result', async () => {
    mock.script({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixture('response-tool-calls.json')) });
    expect(await provider.complete(call({}), AbortSignal.timeout(5_000))).toEqual(fromOpenAICompletion(fixture('response-tool-calls.json'), 'gpt', call({})));
  });
});
