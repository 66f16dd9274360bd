import { describe, expect, it } from 'vitest';
import type { ModelCall } from '../provider.js';
import { toAnthropicRequest } from './anthropic-request.js';
import { AnthropicStreamReader } from './anthropic-stream-reader.js';
import { fromAnthropicMessage, fromAnthropicStopReason } from './anthropic-wire.js';
import { readParts } from '../../../test/support/wire-fixtures.js';

const call: ModelCall = {
  model: 'claude-x',
  system: 'Be brief.',
  messages: [{ role: 'user', content: 'hi' }],
  temperature: 1,
  maxTokens: 10,
  meta: { requestId: 'r', agent: { name: 'a', version: null }, toolsCount: 2 },
};

describe('fromAnthropicStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
    ['something_new', 'other'],
    [null, 'other'],
    [undefined, 'other'],
  ] as const)('maps %s to %s', (reason, expected) => {
    expect(fromAnthropicStopReason(reason)).toBe(expected);
  });
});

describe('toAnthropicRequest', () => {
  it('builds the Messages body, with stream: true only when streaming', () => {
    expect(toAnthropicRequest(call, false)).toEqual({
      model: 'claude-x',
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 10,
      temperature: 1,
    });
    expect(toAnthropicRequest(call, true)).toMatchObject({ stream: true });
  });
});

describe('fromAnthropicMessage', () => {
  it('rejects a body without content blocks as invalid_response', () => {
    expect(() => fromAnthropicMessage({ type: 'error' }, 'claude', call)).toThrow(expect.objectContaining({ kind: 'invalid_response' }));
  });

  it('counts missing usage as zero and falls back to the asked model', () => {
    expect(fromAnthropicMessage({ content: [] }, 'claude', call)).toEqual({
      text: '',
      model: 'claude-x',
      provider: 'claude',
      usage: { inputTokens: 0, outputTokens: 0 },
      finishReason: 'other',
    });
  });
});

describe('AnthropicStreamReader', () => {
  it('throws on an event whose data is not JSON', () => {
    const reader = new AnthropicStreamReader('claude', call);
    expect(() => reader.read({ event: 'message_start', data: '{oops' })).toThrow(expect.objectContaining({ kind: 'invalid_response' }));
  });

  it('names only documented error types in a stream error message', () => {
    const reader = new AnthropicStreamReader('claude', call);
    const event = { event: 'error', data: JSON.stringify({ type: 'error', error: { type: 'hi_there_leak', message: 'x' } }) };
    expect(() => reader.read(event)).toThrow(expect.objectContaining({ message: 'claude stream error', retryable: false }));
  });
});

describe('toAnthropicRequest: tool choice and structured output', () => {
  const tools = [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }];
  const format = { type: 'json_schema' as const, name: 'answer', schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } };
  const body = (overrides: Partial<ModelCall>) => toAnthropicRequest({ ...call, ...overrides }, false);

  it.each([
    ['auto', true, { type: 'auto' }],
    ['none', true, { type: 'none' }],
    ['required', true, { type: 'any' }],
    [{ name: 'lookup' }, true, { type: 'tool', name: 'lookup' }],
    ['auto', false, { type: 'auto', disable_parallel_tool_use: true }],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    [{ name: 'lookup' }, false, { type: 'tool', name: 'lookup', disable_parallel_tool_use: true }],
    ['none', false, { type: 'none' }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
  ] as const)('maps %j with parallel calls %s to %j', (toolChoice, parallelToolCalls, expected) => {
    expect(body({ tools, ...(toolChoice === undefined ? {} : { toolChoice }), parallelToolCalls }).tool_choice).toEqual(expected);
  });

  it('sends no tool_choice when the call leaves it to the model, and no tool fields without tools', () => {
    expect(body({ tools })).not.toHaveProperty('tool_choice');
    const none = body({ toolChoice: 'required', parallelToolCalls: false });
    expect(none).not.toHaveProperty('tools');
    expect(none).not.toHaveProperty('tool_choice');
  });

  it('offers the format tool beside client tools and asks for any tool (a client tool, or the answer)', () => {
    expect(body({ tools, responseFormat: format })).toMatchObject({ tools: [{ name: 'lookup' }, { name: 'answer', input_schema: format.schema }], tool_choice: { type: 'any' } });
    expect(body({ tools, toolChoice: 'auto', parallelToolCalls: false, responseFormat: format }).tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
  });

  it("forces the format tool when client tools are off ('none')", () => {
    expect(body({ tools, toolChoice: 'none', responseFormat: format })).toMatchObject({ tools: [{ name: 'lookup' }, { name: 'answer' }], tool_choice: { type: 'tool', name: 'answer' } });
  });

  it('leaves the format out of a turn that must call a client tool (required, a named tool)', () => {
    expect(body({ tools, toolChoice: 'required', responseFormat: format })).toMatchObject({ tools: [{ name: 'lookup' }], tool_choice: { type: 'any' } });
    expect(body({ tools, toolChoice: { name: 'lookup' }, responseFormat: format }).tools).toHaveLength(1);
  });

  it('renames the format tool away from a client tool of the same name, and names json_object json_response', () => {
    expect(body({ tools: [{ name: 'answer', parameters: { type: 'object' } }], responseFormat: format }).tools?.map((tool) => tool.name)).toEqual(['answer', 'answer_response']);
    expect(body({ responseFormat: { type: 'json_object' } })).toMatchObject({ tools: [{ name: 'json_response', input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: 'json_response' } });
    expect(body({ responseFormat: { type: 'text' } })).not.toHaveProperty('tools');
  });

  it('keeps a tool-result turn apart from an assistant turn that follows, and an assistant turn with only calls as tool_use blocks', () => {
    const request = body({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'lookup', arguments: '[1]' }] },
        { role: 'tool', toolCallId: 't1', content: 'r' },
        { role: 'assistant', content: 'done' },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'lookup', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'r' }] },
      { role: 'assistant', content: 'done' },
    ]);
  });
});

describe('fromAnthropicMessage: tool use', () => {
  const format = { type: 'json_schema' as const, name: 'answer', schema: { type: 'object' } };

  it('keeps a client tool call beside the format answer, and finishes as tool_calls then', () => {
    const result = fromAnthropicMessage(
      {
        content: [
          { type: 'tool_use', id: 't1', name: 'lookup', input: { q: 'x' } },
          { type: 'tool_use', id: 't2', name: 'answer', input: { ok: true } },
        ],
        stop_reason: 'tool_use',
      },
      'claude',
      { ...call, tools: [{ name: 'lookup', parameters: { type: 'object' } }], responseFormat: format },
    );
    expect(result).toMatchObject({ text: '{"ok":true}', toolCalls: [{ id: 't1', name: 'lookup', arguments: '{"q":"x"}' }], finishReason: 'tool_calls' });
  });

  it('reads a tool_use named like the format tool as a tool call when no format was asked', () => {
    const result = fromAnthropicMessage({ content: [{ type: 'tool_use', id: 't2', name: 'answer', input: {} }], stop_reason: 'tool_use' }, 'claude', call);
    expect(result).toMatchObject({ text: '', toolCalls: [{ id: 't2', name: 'answer', arguments: '{}' }], finishReason: 'tool_calls' });
  });

  it('rejects a tool_use block without an id as invalid_response', () => {
    expect(() => fromAnthropicMessage({ content: [{ type: 'tool_use', name: 'lookup', input: {} }] }, 'claude', call)).toThrow(expect.objectContaining({ kind: 'invalid_response' }));
  });
});

describe('AnthropicStreamReader: tool use', () => {
  const event = (type: string, data: Record<string, unknown>) => ({ event: type, data: JSON.stringify({ type, ...data }) });
  const start = event('message_start', { message: { model: 'claude-x', usage: { input_tokens: 3, output_tokens: 1 } } });
  const stop = event('message_stop', {});

  it('sends the input of a tool_use that came whole in its start event, when no delta follows', () => {
    const parts = readParts(new AnthropicStreamReader('claude', call), [
      start,
      event('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 't1', name: 'lookup', input: { q: 'x' } } }),
      event('content_block_stop', { index: 0 }),
      event('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } }),
      stop,
    ]);
    expect(parts).toEqual([
      { type: 'tool-call-start', index: 0, id: 't1', name: 'lookup' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"q":"x"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'finish', model: 'claude-x', provider: 'claude', usage: { inputTokens: 3, outputTokens: 9 }, finishReason: 'tool_calls' },
    ]);
  });

  it('ends a tool call whose block never stopped before the finish part', () => {
    const parts = readParts(new AnthropicStreamReader('claude', call), [
      start,
      event('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 't1', name: 'lookup', input: {} } }),
      event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{}' } }),
      stop,
    ]);
    expect(parts.map((part) => part.type)).toEqual(['tool-call-start', 'tool-call-delta', 'tool-call-end', 'finish']);
  });

  it('rejects a tool_use block without an id as invalid_response', () => {
    const reader = new AnthropicStreamReader('claude', call);
    expect(() => reader.read(event('content_block_start', { index: 0, content_block: { type: 'tool_use', name: 'lookup', input: {} } }))).toThrow(
      expect.objectContaining({ kind: 'invalid_response' }),
    );
  });

  it('reports the stop sequence on the finish part', () => {
    const parts = readParts(new AnthropicStreamReader('claude', call), [start, event('message_delta', { delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' } }), stop]);
    expect(parts.at(-1)).toMatchObject({ finishReason: 'stop', stopSequence: 'END' });
  });
});
