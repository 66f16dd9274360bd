import { describe, expect, it } from 'vitest';
import type { ModelCall } from '../provider.js';
import { toOpenAIRequest } from './openai-request.js';
import { OpenAIStreamReader } from './openai-stream-reader.js';
import { fromOpenAICompletion, fromOpenAIFinishReason } from './openai-wire.js';
import { readParts } from '../../../test/support/wire-fixtures.js';

const call: ModelCall = {
  model: 'gpt-x',
  system: '',
  messages: [{ role: 'user', content: 'hi' }],
  temperature: 0,
  maxTokens: 10,
  meta: { requestId: 'r', agent: { name: 'a', version: null }, toolsCount: 0 },
};

describe('fromOpenAIFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['eos', 'other'],
    [null, 'other'],
    [undefined, 'other'],
  ] as const)('maps %s to %s', (reason, expected) => {
    expect(fromOpenAIFinishReason(reason)).toBe(expected);
  });
});

describe('toOpenAIRequest', () => {
  it('leaves out an empty system prompt and asks for usage only when streaming', () => {
    expect(toOpenAIRequest(call, false)).toEqual({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10, temperature: 0 });
    expect(toOpenAIRequest(call, true)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });
});

describe('fromOpenAICompletion', () => {
  it('rejects a body without choices as invalid_response', () => {
    expect(() => fromOpenAICompletion({ choices: [] }, 'gpt', call)).toThrow(expect.objectContaining({ kind: 'invalid_response', retryable: true }));
  });
});

describe('OpenAIStreamReader', () => {
  it('throws on a chunk that is not JSON', () => {
    const reader = new OpenAIStreamReader('gpt', call);
    expect(() => reader.read({ data: '{"choices": [' })).toThrow(expect.objectContaining({ kind: 'invalid_response' }));
  });

  it('names only known codes in a stream error, and retries unless the request was wrong', () => {
    const reader = new OpenAIStreamReader('gpt', call);
    expect(() => reader.read({ data: JSON.stringify({ error: { type: 'mystery', code: 'secret_word' } }) })).toThrow(
      expect.objectContaining({ message: 'gpt stream error', retryable: true }),
    );
    expect(() => reader.read({ data: JSON.stringify({ error: { type: 'invalid_request_error' } }) })).toThrow(
      expect.objectContaining({ message: 'gpt stream error (invalid_request_error)', retryable: false }),
    );
  });
});

describe('toOpenAIRequest: settings', () => {
  const tools = [{ name: 'lookup', parameters: { type: 'object', properties: {} } }];

  it.each([
    ['o1', 'openai', 'max_completion_tokens'],
    ['o3-mini', 'openai', 'max_completion_tokens'],
    ['o4-mini-2025-04-16', 'openai', 'max_completion_tokens'],
    ['gpt-5', 'openai', 'max_completion_tokens'],
    ['gpt-5.1-codex', 'openai', 'max_completion_tokens'],
    ['ft:o4-mini:acme::abc123', 'openai', 'max_completion_tokens'],
    ['gpt-4o', 'openai', 'max_tokens'],
    ['gpt-4.1-mini', 'openai', 'max_tokens'],
    ['omni-moderation', 'openai', 'max_tokens'],
    ['o3-mini', 'openai-compatible', 'max_tokens'],
  ] as const)('%s on %s takes %s', (model, type, field) => {
    const body = toOpenAIRequest({ ...call, model }, false, { type });
    expect(body).toHaveProperty(field, 10);
    expect(Object.keys(body).filter((key) => key.startsWith('max_'))).toEqual([field]);
  });

  it('leaves temperature, top_p and penalties out for a reasoning model on OpenAI', () => {
    const body = toOpenAIRequest({ ...call, model: 'o3', topP: 0.5, frequencyPenalty: 1, presencePenalty: 1 }, false, { type: 'openai' });
    expect(body).toEqual({ model: 'o3', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 10 });
  });

  it('takes the configured token-limit field over the rule, either way', () => {
    expect(toOpenAIRequest(call, false, { type: 'openai-compatible', tokenLimitParam: 'max_completion_tokens' })).toEqual({
      model: 'gpt-x',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 10,
      temperature: 0,
    });
    expect(toOpenAIRequest({ ...call, model: 'o3' }, false, { type: 'openai', tokenLimitParam: 'max_tokens' })).toHaveProperty('max_tokens', 10);
  });

  it('sends tool_choice and parallel_tool_calls only with tools (OpenAI refuses them alone)', () => {
    expect(toOpenAIRequest({ ...call, toolChoice: 'required', parallelToolCalls: false }, false)).not.toHaveProperty('tool_choice');
    expect(toOpenAIRequest({ ...call, tools: [], toolChoice: 'auto' }, false)).not.toHaveProperty('tools');
    expect(toOpenAIRequest({ ...call, tools, toolChoice: 'none', parallelToolCalls: true }, false)).toMatchObject({
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
      tool_choice: 'none',
      parallel_tool_calls: true,
    });
    expect(toOpenAIRequest({ ...call, tools, toolChoice: 'required' }, false)).toMatchObject({ tool_choice: 'required' });
  });

  it('sends no response_format for text and no stop for an empty list', () => {
    const body = toOpenAIRequest({ ...call, responseFormat: { type: 'text' }, stop: [] }, false);
    expect(body).not.toHaveProperty('response_format');
    expect(body).not.toHaveProperty('stop');
  });

  it('keeps an assistant turn with text and tool calls as text plus tool_calls, and an empty result as empty text', () => {
    const body = toOpenAIRequest(
      {
        ...call,
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'Looking it up.', toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{"q":"x"' }] },
          { role: 'tool', toolCallId: 'c1', content: [] },
        ],
      },
      false,
    );
    expect(body.messages.slice(1)).toEqual([
      { role: 'assistant', content: 'Looking it up.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '' },
    ]);
  });
});

describe('fromOpenAICompletion: tool calls', () => {
  const body = (message: Record<string, unknown>, finish = 'tool_calls') => ({ model: 'm', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }] });

  it('rejects a tool call without a name as invalid_response', () => {
    const broken = body({ content: null, tool_calls: [{ id: 'c1', type: 'function', function: { arguments: '{}' } }] });
    expect(() => fromOpenAICompletion(broken, 'gpt', call)).toThrow(expect.objectContaining({ kind: 'invalid_response', message: expect.stringContaining('tool call without a name') }));
  });

  it('serializes parsed arguments, generates a missing id, and reads stop with tool calls as tool_calls', () => {
    const result = fromOpenAICompletion(body({ content: '', tool_calls: [{ type: 'function', function: { name: 'lookup', arguments: { q: 'x' } } }] }, 'stop'), 'ollama', call);
    expect(result.toolCalls).toEqual([{ id: expect.stringMatching(/^call_[\w-]{16}$/), name: 'lookup', arguments: '{"q":"x"}' }]);
    expect(result.finishReason).toBe('tool_calls');
  });

  it('keeps length as the finish reason of cut-off tool calls, and skips entries that are not function calls', () => {
    const result = fromOpenAICompletion(
      body({ content: null, tool_calls: [{ id: 'x', type: 'custom', custom: { name: 'grammar', input: 'a' } }, { id: 'c2', type: 'function', function: { name: 'f', arguments: '{"a":' } }] }, 'length'),
      'gpt',
      call,
    );
    expect(result).toMatchObject({ finishReason: 'length', toolCalls: [{ id: 'c2', name: 'f', arguments: '{"a":' }] });
  });

  it('refuses more than 128 tool calls in one answer', () => {
    const calls = Array.from({ length: 129 }, (_, n) => ({ id: `c${n}`, type: 'function', function: { name: 'f', arguments: '{}' } }));
    expect(() => fromOpenAICompletion(body({ content: null, tool_calls: calls }), 'gpt', call)).toThrow(expect.objectContaining({ kind: 'invalid_response' }));
  });
});

describe('OpenAIStreamReader: tool calls', () => {
  const chunk = (delta: unknown, finish: string | null = null) => ({ data: JSON.stringify({ model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] }) });
  const readAll = (events: { data: string }[]) => readParts(new OpenAIStreamReader('gpt', call), [...events, { data: '[DONE]' }]);

  it('never starts one call twice when a server repeats its id and name in every delta', () => {
    const parts = readAll([
      chunk({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: ':1}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(parts.filter((part) => part.type === 'tool-call-start')).toHaveLength(1);
    expect(parts.filter((part) => part.type !== 'finish')).toEqual([
      { type: 'tool-call-start', index: 0, id: 'c1', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a"' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
      { type: 'tool-call-end', index: 0 },
    ]);
  });

  it('holds arguments that arrive before the name, and generates an id when none comes', () => {
    const parts = readAll([chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }), chunk({ tool_calls: [{ index: 0, function: { name: 'f', arguments: '1}' } }] })]);
    expect(parts.slice(0, 4)).toEqual([
      { type: 'tool-call-start', index: 0, id: expect.stringMatching(/^call_/), name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '1}' },
      { type: 'tool-call-end', index: 0 },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('continues the latest call on deltas without an index, and ends open calls at [DONE] without a finish_reason', () => {
    const parts = readAll([chunk({ tool_calls: [{ id: 'c1', function: { name: 'f', arguments: '{' } }] }), chunk({ tool_calls: [{ function: { arguments: '}' } }] })]);
    expect(parts.map((part) => part.type)).toEqual(['tool-call-start', 'tool-call-delta', 'tool-call-delta', 'tool-call-end', 'finish']);
  });

  it('fails a stream whose tool call never got a name', () => {
    expect(() => readAll([chunk({ tool_calls: [{ index: 0, id: 'c1', function: { arguments: '{}' } }] }), chunk({}, 'tool_calls')])).toThrow(
      expect.objectContaining({ kind: 'invalid_response', message: expect.stringContaining('without a name') }),
    );
  });

  it('ignores deltas for a call after its end', () => {
    const parts = readAll([chunk({ tool_calls: [{ index: 0, id: 'c1', function: { name: 'f', arguments: '{}' } }] }, 'tool_calls'), chunk({ tool_calls: [{ index: 0, function: { arguments: 'junk' } }] })]);
    expect(parts.filter((part) => part.type === 'tool-call-delta')).toEqual([{ type: 'tool-call-delta', index: 0, argumentsDelta: '{}' }]);
  });

  it('reads a text-only chunk as one part, without an array', () => {
    expect(new OpenAIStreamReader('gpt', call).read(chunk({ content: 'hi' }))).toEqual({ type: 'text', text: 'hi' });
  });
});
