import { describe, expect, it } from 'vitest';
import type { ModelCall } from '../provider.js';
import { AnthropicStreamReader, fromAnthropicMessage, fromAnthropicStopReason, toAnthropicRequest } from './anthropic-wire.js';

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
