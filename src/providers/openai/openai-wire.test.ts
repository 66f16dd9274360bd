import { describe, expect, it } from 'vitest';
import type { ModelCall } from '../provider.js';
import { fromOpenAICompletion, fromOpenAIFinishReason, OpenAIStreamReader, toOpenAIRequest } from './openai-wire.js';

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
