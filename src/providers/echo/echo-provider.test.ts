import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelCall } from '../provider.js';
import { ProviderError } from '../provider-error.js';
import { EchoProvider } from './echo-provider.js';
import { isToolCallPart, ToolCallAssembler } from '../tool-call-assembler.js';
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

describe('EchoProvider with tools', () => {
  const signal = new AbortController().signal;
  const echo = new EchoProvider({ name: 'demo' });
  const weather = { type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer', minimum: 1 } }, required: ['city', 'unit'] };
  const tools = [
    { name: 'get_weather', parameters: weather },
    { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string', default: 'UTC' } } } },
  ];
  const ask = (content: string, overrides: Partial<ModelCall> = {}): ModelCall => call({ messages: [{ role: 'user', content }], tools, ...overrides });

  it('calls the tool toolChoice names, arguments from its schema (required properties, enums, defaults)', async () => {
    expect(await echo.complete(ask('anything', { toolChoice: { name: 'get_time' } }), signal)).toEqual({
      text: '',
      toolCalls: [{ id: 'call_echo_0_0', name: 'get_time', arguments: '{"zone":"UTC"}' }],
      model: 'echo',
      provider: 'demo',
      usage: { inputTokens: 6, outputTokens: 1 },
      finishReason: 'tool_calls',
    });
  });

  it('calls every tool named in the user text (parallel), only the first with parallel calls off', async () => {
    const both = await echo.complete(ask('use get_time and GET_WEATHER please'), signal);
    expect(both.toolCalls).toEqual([
      { id: 'call_echo_0_0', name: 'get_weather', arguments: '{"city":"echo","unit":"celsius"}' },
      { id: 'call_echo_0_1', name: 'get_time', arguments: '{"zone":"UTC"}' },
    ]);
    expect((await echo.complete(ask('use get_time and get_weather', { parallelToolCalls: false }), signal)).toolCalls).toHaveLength(1);
  });

  it("calls the first tool with 'required' when none is named, and answers text with 'auto' or 'none'", async () => {
    expect((await echo.complete(ask('hello', { toolChoice: 'required' }), signal)).toolCalls?.map((toolCall) => toolCall.name)).toEqual(['get_weather']);
    expect(await echo.complete(ask('hello'), signal)).toMatchObject({ text: '[echo] hello', finishReason: 'stop' });
    const none = await echo.complete(ask('get_weather now', { toolChoice: 'none' }), signal);
    expect(none).toMatchObject({ text: '[echo] get_weather now', finishReason: 'stop' });
    expect(none).not.toHaveProperty('toolCalls');
  });

  it('answers tool results with their content, naming each tool (from the result or its call) and failures', async () => {
    const result = await echo.complete(
      call({
        tools,
        messages: [
          { role: 'user', content: 'get_weather and get_time' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'call_echo_0_0', name: 'get_weather', arguments: '{}' }, { id: 'call_echo_0_1', name: 'get_time', arguments: '{}' }] },
          { role: 'tool', toolCallId: 'call_echo_0_0', content: '14 C' },
          { role: 'tool', toolCallId: 'call_echo_0_1', name: 'clock', content: [{ type: 'text', text: 'timed out' }], isError: true },
        ],
      }),
      signal,
    );
    expect(result).toMatchObject({ text: '[echo] get_weather: 14 C\n[echo] clock failed: timed out', finishReason: 'stop' });
  });

  it('numbers call ids by turn, so they stay unique within a conversation', async () => {
    const second = await echo.complete(
      call({
        tools,
        messages: [
          { role: 'user', content: 'get_time' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'call_echo_0_0', name: 'get_time', arguments: '{}' }] },
          { role: 'tool', toolCallId: 'call_echo_0_0', content: 'noon' },
          { role: 'assistant', content: '[echo] get_time: noon' },
          { role: 'user', content: 'get_time again' },
        ],
      }),
      signal,
    );
    expect(second.toolCalls?.[0]?.id).toBe('call_echo_2_0');
  });

  it('answers a json_schema response format with a JSON value of the schema, and json_object with the echo in an object', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 } }, required: ['answer', 'confidence'] };
    const structured = await echo.complete(call({ responseFormat: { type: 'json_schema', name: 'reply', schema } }), signal);
    expect(JSON.parse(structured.text)).toEqual({ answer: 'echo', confidence: 0 });
    const object = await echo.complete(call({ responseFormat: { type: 'json_object' } }), signal);
    expect(JSON.parse(object.text)).toEqual({ echo: '[echo] What  is OSSA? ' });
  });

  it('streams each tool call as start, argument pieces and end, then finishes tool_calls, matching complete', async () => {
    const request = ask('get_weather and get_time');
    const parts = await collect(echo.stream(request, signal));
    const complete = await echo.complete(request, signal);
    expect(parts).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call_echo_0_0', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":"echo",' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"unit":"celsius"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-start', index: 1, id: 'call_echo_0_1', name: 'get_time' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"zone":"UTC"}' },
      { type: 'tool-call-end', index: 1 },
      { type: 'finish', model: 'echo', provider: 'demo', usage: complete.usage, finishReason: 'tool_calls' },
    ]);
    const calls = new ToolCallAssembler();
    for (const part of parts) if (isToolCallPart(part)) calls.add(part);
    expect(calls.toolCalls()).toEqual(complete.toolCalls);
  });

  it('streams a structured answer as text parts that join to the JSON', async () => {
    const request = call({ responseFormat: { type: 'json_schema', name: 'r', schema: { type: 'object', properties: { a: { type: 'string', default: 'x y' } } } } });
    const parts = await collect(echo.stream(request, signal));
    expect(parts.map((part) => (part.type === 'text' ? part.text : '')).join('')).toBe('{"a":"x y"}');
    expect(parts.at(-1)).toMatchObject({ finishReason: 'stop' });
  });
});
