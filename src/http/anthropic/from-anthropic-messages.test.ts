import { describe, expect, it } from 'vitest';
import { InvalidFieldError } from '../tool-input/invalid-field-error.js';
import { fromAnthropicMessages } from './from-anthropic-messages.js';

const fails = (messages: Record<string, unknown>[]): string => {
  try {
    fromAnthropicMessages(messages);
  } catch (error) {
    if (error instanceof InvalidFieldError) return `${error.path.join('.')}: ${error.reason}`;
    throw error;
  }
  throw new Error('expected an InvalidFieldError');
};

describe('fromAnthropicMessages', () => {
  it('takes a last plain user message as the input', () => {
    expect(fromAnthropicMessages([{ role: 'user', content: 'hi' }])).toEqual({ input: 'hi', history: [], droppedThinking: 0 });
  });

  it('keeps user blocks as parts with their cache marks, and images as given', () => {
    const { input, history } = fromAnthropicMessages([
      { role: 'user', content: [{ type: 'text', text: 'look', cache_control: { type: 'ephemeral', ttl: '1h' } }, { type: 'image', source: { type: 'base64', media_type: 'image/PNG', data: 'AAAA' } }, { type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } }] },
    ]);
    expect(input).toBe('');
    expect(history).toEqual([{ role: 'user', content: [{ type: 'text', text: 'look', cacheControl: { type: 'ephemeral', ttl: '1h' } }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } }, { type: 'image', source: { kind: 'url', url: 'https://x.test/a.png' } }] }]);
  });

  it('makes several tool_result blocks of one turn consecutive tool messages, then the turn\'s text; drops thinking', () => {
    const { history, droppedThinking } = fromAnthropicMessages([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 's' }, { type: 'text', text: 'Two calls.' }, { type: 'tool_use', id: 't1', name: 'a', input: { x: 1 } }, { type: 'tool_use', id: 't2', name: 'b', input: {}, cache_control: { type: 'ephemeral' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'one' }, { type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: 'two' }], is_error: true, cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'and?' }] },
    ]);
    expect(droppedThinking).toBe(1);
    expect(history).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: 'Two calls.', toolCalls: [{ id: 't1', name: 'a', arguments: '{"x":1}' }, { id: 't2', name: 'b', arguments: '{}', cacheControl: { type: 'ephemeral' } }] },
      { role: 'tool', toolCallId: 't1', content: 'one' },
      { role: 'tool', toolCallId: 't2', content: [{ type: 'text', text: 'two' }], isError: true, cacheControl: { type: 'ephemeral' } },
      { role: 'user', content: [{ type: 'text', text: 'and?' }] },
    ]);
  });

  it('ends with a prefill when the last turn is the assistant\'s', () => {
    const { input, history } = fromAnthropicMessages([{ role: 'user', content: 'JSON please' }, { role: 'assistant', content: [{ type: 'text', text: '{' }] }]);
    expect(input).toBe('');
    expect(history.at(-1)).toEqual({ role: 'assistant', content: '{' });
  });

  it('names the field at fault', () => {
    expect(fails([{ role: 'system', content: 'x' }])).toBe('messages.0.role: must be "user" or "assistant"; got "system" (the system prompt is the "system" field)');
    expect(fails([{ role: 'user', content: [] }])).toBe('messages.0.content: must be a string or a non-empty array of content blocks');
    expect(fails([{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'nope', content: 'x' }] }])).toBe('messages.0.content.0.tool_use_id: names no tool call of an earlier assistant message ("nope")');
    expect(fails([{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'text', text: 'b' }, { type: 'tool_use', id: 't', name: 'n', input: {} }] }])).toMatch(/^messages\.1\.content\.1\.id: \("t", n\) has no tool message/);
    expect(fails([{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: 'ls' }] }])).toBe('messages.1.content.0.input: must be an object: the arguments of the call');
    expect(fails([{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }])).toMatch(/^messages\.0\.content\.0\.source\.type: is "file": the Files API/);
    expect(fails([{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'A' } }] }])).toMatch(/^messages\.0\.content\.0\.source\.media_type: must be/);
    expect(fails([{ role: 'user', content: [{ type: 'mystery' }] }])).toBe('messages.0.content.0.type: is "mystery", which is not a content block type this gateway knows');
  });
});
