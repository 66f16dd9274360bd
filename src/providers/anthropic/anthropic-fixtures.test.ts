import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockAnthropic, type MockUpstream } from '../../../test/support/mock-upstreams.js';
import { collectStream, modelCall } from '../../../test/support/model-call.js';
import { jsonFixture, readParts, sseEvents, textFixture } from '../../../test/support/wire-fixtures.js';
import type { ModelCall, ResponseFormat } from '../provider.js';
import { isToolCallPart, ToolCallAssembler } from '../tool-call-assembler.js';
import { AnthropicProvider } from './anthropic-provider.js';
import { toAnthropicRequest } from './anthropic-request.js';
import { AnthropicStreamReader } from './anthropic-stream-reader.js';
import { fromAnthropicMessage } from './anthropic-wire.js';

// One test per mapping, on wire bodies and SSE transcripts shaped as Anthropic's Messages API
// reference and guides show them (tool use, parallel tool use, tool results, vision, prompt
// caching, streaming with input_json_delta), plus structured output through a forced tool.

const fixture = (name: string): unknown => jsonFixture(import.meta.url, name);
const transcript = (name: string): ReturnType<typeof sseEvents> => sseEvents(textFixture(import.meta.url, name));

const WEATHER = {
  type: 'object',
  properties: {
    location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'], description: 'The unit of temperature' },
  },
  required: ['location'],
};
const TIME = { type: 'object', properties: { timezone: { type: 'string', description: 'The IANA time zone name, e.g. America/Los_Angeles' } }, required: ['timezone'] };
const TOOLS = [
  { name: 'get_weather', description: 'Get the current weather in a given location', parameters: WEATHER },
  { name: 'get_time', description: 'Get the current time in a given time zone', parameters: TIME },
];
const EVENT_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, date: { type: 'string' }, participants: { type: 'array', items: { type: 'string' } } },
  required: ['name', 'date', 'participants'],
  additionalProperties: false,
};
const EVENT_FORMAT: ResponseFormat = { type: 'json_schema', name: 'calendar_event', schema: EVENT_SCHEMA, strict: true };
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const call = (overrides: Partial<ModelCall>): ModelCall => modelCall({ model: 'claude-sonnet-4-5', maxTokens: 1024, ...overrides });

describe('Anthropic requests (to the wire)', () => {
  it('maps tools (input_schema, cache_control), a named tool choice without parallel use, stop_sequences, top_p instead of temperature, system blocks', () => {
    const body = toAnthropicRequest(
      call({
        system: [
          { type: 'text', text: 'You are a travel assistant.' },
          { type: 'text', text: '<the whole travel policy, thousands of tokens>', cacheControl: { type: 'ephemeral' } },
        ],
        messages: [{ role: 'user', content: 'What is the weather like in San Francisco?' }],
        temperature: 0.7,
        topP: 0.9,
        frequencyPenalty: 1,
        stop: ['\n\nHuman:', 'END'],
        tools: [TOOLS[0]!, { ...TOOLS[1]!, strict: true, cacheControl: { type: 'ephemeral', ttl: '1h' } }],
        toolChoice: { name: 'get_weather' },
        parallelToolCalls: false,
      }),
      false,
    );
    expect(body).toEqual(fixture('request-tools.json'));
  });

  it('maps tool_use blocks and several tool results in ONE user turn (is_error, image content, the user text after them)', () => {
    const body = toAnthropicRequest(
      call({
        system: 'You are a travel assistant.',
        temperature: 0.5,
        tools: TOOLS,
        messages: [
          { role: 'user', content: "What's the weather and the time in San Francisco?" },
          {
            role: 'assistant',
            content: "I'll check both for you.",
            toolCalls: [
              { id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
              // Cut off mid-JSON: sent as {} (the API takes only an object); the error result says why.
              { id: 'toolu_01B2c3d4e5f6g7h8i9j0k1l2', name: 'get_time', arguments: '{"timezone": ' },
            ],
          },
          { role: 'tool', toolCallId: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', content: '15 degrees' },
          {
            role: 'tool',
            toolCallId: 'toolu_01B2c3d4e5f6g7h8i9j0k1l2',
            content: [
              { type: 'text', text: 'timezone is required; here is the map of zones' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PIXEL } },
            ],
            isError: true,
          },
          { role: 'user', content: 'Use Pacific time if you must guess.' },
        ],
      }),
      false,
    );
    expect(body).toEqual(fixture('request-tool-results.json'));
  });

  it('maps url and base64 images (a data: URL as base64) with their cache_control, and leaves out an empty system', () => {
    const body = toAnthropicRequest(
      call({
        system: '',
        temperature: 1,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { kind: 'url', url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg' } },
              {
                type: 'image',
                source: { kind: 'url', url: 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/' },
                cacheControl: { type: 'ephemeral' },
              },
              { type: 'text', text: 'Describe these two images.' },
            ],
          },
        ],
      }),
      false,
    );
    expect(body).toEqual(fixture('request-images.json'));
  });

  it("keeps a client's cache marks on tool_use, tool_result and assistant text blocks, and sends top_k and metadata.user_id", () => {
    const ephemeral = { type: 'ephemeral' } as const;
    const body = toAnthropicRequest(
      call({
        messages: [
          { role: 'user', content: 'Read two files' },
          { role: 'assistant', content: 'Reading them.', cacheControl: ephemeral, toolCalls: [{ id: 'toolu_a', name: 'Read', arguments: '{"file_path":"a"}' }, { id: 'toolu_b', name: 'Read', arguments: '{"file_path":"b"}', cacheControl: ephemeral }] },
          { role: 'tool', toolCallId: 'toolu_a', content: 'A' },
          { role: 'tool', toolCallId: 'toolu_b', content: 'B', cacheControl: ephemeral },
          { role: 'assistant', content: 'Both read.', cacheControl: ephemeral },
          { role: 'user', content: 'Thanks' },
        ],
        providerOptions: { anthropic: { topK: 40, userId: 'user-42', beta: ['ignored-here'] } },
      }),
      false,
    );
    expect(body.messages).toEqual([
      { role: 'user', content: 'Read two files' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Reading them.', cache_control: ephemeral },
          { type: 'tool_use', id: 'toolu_a', name: 'Read', input: { file_path: 'a' } },
          { type: 'tool_use', id: 'toolu_b', name: 'Read', input: { file_path: 'b' }, cache_control: ephemeral },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: 'A' }, { type: 'tool_result', tool_use_id: 'toolu_b', content: 'B', cache_control: ephemeral }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Both read.', cache_control: ephemeral }] },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(body).toMatchObject({ top_k: 40, metadata: { user_id: 'user-42' } });
  });

  it('maps a json_schema response format to one forced tool with its schema', () => {
    const body = toAnthropicRequest(
      call({ system: 'Extract the event information.', temperature: 0, messages: [{ role: 'user', content: 'Alice and Bob are going to a science fair on Friday.' }], responseFormat: EVENT_FORMAT }),
      false,
    );
    expect(body).toEqual(fixture('request-structured-output.json'));
  });
});

describe('Anthropic responses (from the wire)', () => {
  it('maps tool_use blocks to toolCalls (arguments: the JSON text of input) and cache usage to inputTokens and the cache counts', () => {
    expect(fromAnthropicMessage(fixture('response-tool-use.json'), 'claude', call({ tools: TOOLS }))).toEqual({
      text: "I'll check the current weather and time in San Francisco for you.",
      toolCalls: [
        { id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
        { id: 'toolu_01B2c3d4e5f6g7h8i9j0k1l2', name: 'get_time', arguments: '{"timezone":"America/Los_Angeles"}' },
      ],
      model: 'claude-sonnet-4-5-20250929',
      provider: 'claude',
      // 21 uncached + 1800 read from + 188 written to the prompt cache
      usage: { inputTokens: 2009, outputTokens: 393, cacheReadInputTokens: 1800, cacheCreationInputTokens: 188 },
      finishReason: 'tool_calls',
    });
  });

  it('maps stop_sequence to a stop with the sequence that ended the answer', () => {
    expect(fromAnthropicMessage(fixture('response-stop-sequence.json'), 'claude', call({ stop: ['\n\nHuman:'] }))).toEqual({
      text: 'Hi! My name is Claude.',
      model: 'claude-sonnet-4-5-20250929',
      provider: 'claude',
      usage: { inputTokens: 2095, outputTokens: 503 },
      finishReason: 'stop',
      stopSequence: '\n\nHuman:',
    });
  });

  it("maps the forced format tool's input to the answer's text (JSON), finished as stop, with no tool call", () => {
    const result = fromAnthropicMessage(fixture('response-structured-output.json'), 'claude', call({ responseFormat: EVENT_FORMAT }));
    expect(result).toEqual({
      text: '{"name":"science fair","date":"Friday","participants":["Alice","Bob"]}',
      model: 'claude-sonnet-4-5-20250929',
      provider: 'claude',
      usage: { inputTokens: 412, outputTokens: 58 },
      finishReason: 'stop',
    });
  });
});

describe('Anthropic streams (from the wire)', () => {
  it('keeps two parallel tool_use blocks apart: index = ordinal among the calls (not the block index), own id and name, end at block stop', () => {
    const parts = readParts(new AnthropicStreamReader('claude', call({ tools: TOOLS })), transcript('stream-parallel-tool-use.sse'));
    expect(parts).toEqual([
      { type: 'text', text: "I'll check" },
      { type: 'text', text: ' both.' },
      { type: 'tool-call-start', index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"location": "San Fra' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: 'ncisco, CA", "unit": "fah' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: 'renheit"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-start', index: 1, id: 'toolu_02U2y2gK45rBnl3uOuL8Vq7', name: 'get_time' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"timezone": "America/' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: 'Los_Angeles"}' },
      { type: 'tool-call-end', index: 1 },
      {
        type: 'finish',
        model: 'claude-sonnet-4-5-20250929',
        provider: 'claude',
        usage: { inputTokens: 2520, outputTokens: 89, cacheReadInputTokens: 2048 },
        finishReason: 'tool_calls',
      },
    ]);
    const calls = new ToolCallAssembler();
    for (const part of parts) if (isToolCallPart(part)) calls.add(part);
    expect(calls.toolCalls().map((toolCall) => JSON.parse(toolCall.arguments) as unknown)).toEqual([
      { location: 'San Francisco, CA', unit: 'fahrenheit' },
      { timezone: 'America/Los_Angeles' },
    ]);
  });

  it("streams the forced format tool's input_json_delta as the answer's text, finished as stop", () => {
    const parts = readParts(new AnthropicStreamReader('claude', call({ responseFormat: EVENT_FORMAT })), transcript('stream-structured-output.sse'));
    expect(parts.filter(isToolCallPart)).toEqual([]);
    const text = parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
    expect(JSON.parse(text)).toEqual({ name: 'science fair', date: 'Friday', participants: ['Alice', 'Bob'] });
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 412, outputTokens: 58 } });
  });
});

describe('AnthropicProvider on the recorded transcripts', () => {
  let mock: MockUpstream;
  let provider: AnthropicProvider;

  beforeEach(async () => {
    mock = await startMockAnthropic();
    provider = new AnthropicProvider({ name: 'claude', apiKey: 'sk-ant-test', baseUrl: mock.url, timeoutMs: 2_000 });
  });

  afterEach(async () => {
    await provider.close();
    await mock.close();
  });

  it('streams the parallel tool_use transcript over HTTP into the same parts', async () => {
    mock.script({ kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, body: textFixture(import.meta.url, 'stream-parallel-tool-use.sse') });
    const parts = await collectStream(provider.stream(call({ tools: TOOLS }), AbortSignal.timeout(5_000)));
    expect(parts).toEqual(readParts(new AnthropicStreamReader('claude', call({ tools: TOOLS })), transcript('stream-parallel-tool-use.sse')));
  });

  it('answers the structured-output body over HTTP with the JSON text', async () => {
    mock.script({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixture('response-structured-output.json')) });
    const result = await provider.complete(call({ responseFormat: EVENT_FORMAT }), AbortSignal.timeout(5_000));
    expect(JSON.parse(result.text)).toEqual({ name: 'science fair', date: 'Friday', participants: ['Alice', 'Bob'] });
    expect(mock.requests[0]?.body).toMatchObject({ tool_choice: { type: 'tool', name: 'calendar_event' } });
  });
});
