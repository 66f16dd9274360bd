import { describe, expect, it } from 'vitest';
import { InvalidFieldError } from '../tool-input/invalid-field-error.js';
import { fromResponsesInput } from './from-responses-input.js';

/** The `param` of the error `input` gets (and its reason), or the conversation. */
function param(input: unknown[]): string {
  try {
    fromResponsesInput(input);
  } catch (error) {
    if (error instanceof InvalidFieldError) return error.param();
    throw error;
  }
  throw new Error('accepted');
}

const call = (id: string, name = 'lookup') => ({ type: 'function_call', call_id: id, name, arguments: '{}' });
const result = (id: string, output: unknown = 'ok') => ({ type: 'function_call_output', call_id: id, output });

describe('fromResponsesInput', () => {
  it('takes a string as the user\'s message, and joins instructions first, then system and developer messages', () => {
    expect(fromResponsesInput('Hi')).toEqual({ input: 'Hi', history: [] });
    expect(fromResponsesInput('Hi', 'Be brief.')).toEqual({ input: 'Hi', history: [], instructions: 'Be brief.' });
    expect(
      fromResponsesInput([{ role: 'developer', content: 'In French.' }, { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Politely.' }] }, { role: 'user', content: 'Hi' }], 'Be brief.'),
    ).toEqual({ input: 'Hi', history: [], instructions: 'Be brief.\n\nIn French.\n\nPolitely.' });
  });

  it('keeps the turns before the last user message, and an assistant message\'s output_text and refusal parts', () => {
    expect(
      fromResponsesInput([
        { role: 'user', content: [{ type: 'input_text', text: 'Hi' }, { type: 'input_text', text: 'there' }] },
        { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello!', annotations: [] }, { type: 'refusal', refusal: 'Not that.' }] },
        { role: 'user', content: 'Where is my order?' },
      ]),
    ).toEqual({ input: 'Where is my order?', history: [{ role: 'user', content: 'Hi\nthere' }, { role: 'assistant', content: 'Hello!\nNot that.' }] });
  });

  it('groups parallel function_call items with the message before them into one assistant turn, and calls after results into the next', () => {
    const { input, history } = fromResponsesInput([
      { role: 'user', content: 'Two orders?' },
      { role: 'assistant', content: 'Looking both up.' },
      call('c1'),
      call('c2'),
      result('c2', 'B shipped'),
      result('c1', [{ type: 'input_text', text: 'A shipped' }]),
      call('c3', 'refund'),
      result('c3', [{ type: 'input_text', text: 'see' }, { type: 'input_image', image_url: 'data:image/png;base64,iVBO', detail: 'original' }]),
    ]);
    expect(input).toBe('');
    expect(history).toEqual([
      { role: 'user', content: 'Two orders?' },
      { role: 'assistant', content: 'Looking both up.', toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{}' }, { id: 'c2', name: 'lookup', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c2', content: 'B shipped' },
      { role: 'tool', toolCallId: 'c1', content: 'A shipped' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c3', name: 'refund', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c3', content: [{ type: 'text', text: 'see' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBO' }, detail: 'high' }] },
    ]);
  });

  it('keeps a user message with images as parts, and a plain last message as the input', () => {
    const image = { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'low' };
    expect(fromResponsesInput([{ role: 'user', content: [{ type: 'input_text', text: 'What is it?' }, image] }])).toEqual({
      input: '',
      history: [{ role: 'user', content: [{ type: 'text', text: 'What is it?' }, { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' }, detail: 'low' }] }],
    });
  });

  it('names the item at fault: tool results out of turn, unknown or stored items, files and audio, a conversation that ends with the assistant', () => {
    expect(param([result('c9'), { role: 'user', content: 'hi' }])).toBe('input[0].call_id');
    expect(param([{ role: 'user', content: 'hi' }, call('c1'), { role: 'user', content: 'go on' }])).toBe('input[1].call_id');
    expect(param([{ role: 'user', content: 'hi' }, call('c1'), result('c1'), result('c1')])).toBe('input[3].call_id');
    expect(param([{ role: 'user', content: 'hi' }, call('c1'), call('c1'), result('c1')])).toBe('input[2].call_id');
    expect(param([{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }])).toBe('input');
    expect(param([])).toBe('input');
    expect(param([{ role: 'user', content: 'hi' }, { type: 'item_reference', id: 'msg_1' }, { role: 'user', content: 'again' }])).toBe('input[1].type');
    expect(param([{ type: 'reasoning', id: 'rs_1', summary: [] }, { role: 'user', content: 'hi' }])).toBe('input[0].type');
    expect(param([{ type: 'web_search_call', id: 'ws_1' }])).toBe('input[0].type');
    expect(param([{ content: 'no role or type' }])).toBe('input[0].type');
    expect(param(['just a string'])).toBe('input[0]');
    expect(param([{ role: 'tool', content: 'x' }])).toBe('input[0].role');
    expect(param([{ role: 'user', content: [{ type: 'input_file', file_id: 'file_1' }] }])).toBe('input[0].content[0].type');
    expect(param([{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }])).toBe('input[0].content[0].type');
    expect(param([{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1', detail: 'auto' }] }])).toBe('input[0].content[0].file_id');
    expect(param([{ role: 'user', content: [{ type: 'input_image', image_url: 'ftp://x/y.png' }] }])).toBe('input[0].content[0].image_url');
    expect(param([{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x/y.png', detail: 'max' }] }])).toBe('input[0].content[0].detail');
    expect(param([{ role: 'user', content: [{ type: 'output_text', text: 'x' }] }])).toBe('input[0].content[0].type');
    expect(param([{ role: 'system', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] }, { role: 'user', content: 'hi' }])).toBe('input[0].content[0].type');
    expect(param([{ role: 'user', content: 'hi' }, { type: 'function_call', call_id: 'c1', arguments: '{}' }, result('c1')])).toBe('input[1].name');
    expect(param([{ role: 'user', content: 'hi' }, { type: 'function_call', call_id: 'c1', name: 'x', arguments: {} }, result('c1')])).toBe('input[1].arguments');
    expect(param([{ role: 'user', content: 'hi' }, call('c1'), { type: 'function_call_output', call_id: 'c1', output: 42 }])).toBe('input[2].output');
    expect(param([{ role: 'user', content: 'hi' }, call('c1'), { type: 'function_call_output', output: 'x' }])).toBe('input[2].call_id');
  });
});
