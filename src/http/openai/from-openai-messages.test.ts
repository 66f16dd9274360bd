import { describe, expect, it } from 'vitest';
import { InvalidFieldError } from '../tool-input/invalid-field-error.js';
import { fromOpenAIMessages } from './from-openai-messages.js';

/** The `param` and message of the invalid field a call throws. */
function refusal(messages: Record<string, unknown>[]): { param: string; detail: string } {
  try {
    fromOpenAIMessages(messages);
  } catch (error) {
    if (error instanceof InvalidFieldError) return { param: error.param(), detail: error.reason };
    throw error;
  }
  throw new Error('expected an invalid field');
}

const call = (id: string, name = 'get_weather', args = '{"city":"Paris"}') => ({ id, type: 'function', function: { name, arguments: args } });

describe('fromOpenAIMessages', () => {
  it('takes the last user message as the input and the turns before it as the conversation', () => {
    expect(
      fromOpenAIMessages([
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Where is my order?', name: 'ada' },
      ]),
    ).toEqual({ input: 'Where is my order?', history: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }] });
  });

  it("returns system and developer messages as instructions, never as the agent's system prompt", () => {
    expect(
      fromOpenAIMessages([
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'Hi' },
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
      ]),
    ).toEqual({ input: 'Hi', history: [], instructions: 'Answer in French.\n\nBe brief.' });
  });

  it('joins text parts, and reads an assistant refusal as its text', () => {
    expect(
      fromOpenAIMessages([
        { role: 'user', content: [{ type: 'text', text: 'first' }, { type: 'text', text: 'second' }] },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] },
        { role: 'user', content: 'ok' },
      ]).history,
    ).toEqual([{ role: 'user', content: 'first\nsecond' }, { role: 'assistant', content: 'I cannot.' }]);
  });

  it('keeps images as parts (URLs and data: URLs), and then the whole conversation is the history', () => {
    expect(
      fromOpenAIMessages([
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } }, { type: 'image_url', image_url: { url: 'data:image/PNG;base64,iVBORw0K' } }] },
      ]),
    ).toEqual({
      input: '',
      history: [{
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' }, detail: 'low' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0K' } },
        ],
      }],
    });
  });

  it('reads assistant tool calls and the tool messages answering them; a conversation ending in tool results has no input', () => {
    expect(
      fromOpenAIMessages([
        { role: 'user', content: 'Weather in Paris and the time in Tokyo?' },
        { role: 'assistant', content: null, tool_calls: [call('call_1'), call('call_2', 'get_time', '{"tz":"Asia/Tokyo"}')] },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '09:00' }] },
      ]),
    ).toEqual({
      input: '',
      history: [
        { role: 'user', content: 'Weather in Paris and the time in Tokyo?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }, { id: 'call_2', name: 'get_time', arguments: '{"tz":"Asia/Tokyo"}' }] },
        { role: 'tool', toolCallId: 'call_1', content: '18°C' },
        { role: 'tool', toolCallId: 'call_2', content: '09:00' },
      ],
    });
  });

  it('refuses a tool message whose call id matches no earlier call, a call left unanswered, and an answer given twice', () => {
    const asked = [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [call('call_1'), call('call_2')] }];
    expect(refusal([...asked, { role: 'tool', tool_call_id: 'call_9', content: 'r' }])).toMatchObject({ param: 'messages[2].tool_call_id', detail: expect.stringContaining('"call_9"') });
    expect(refusal([...asked, { role: 'tool', tool_call_id: 'call_1', content: 'r' }, { role: 'user', content: 'and?' }])).toMatchObject({ param: 'messages[1].tool_calls[1].id', detail: expect.stringContaining('no tool message answering it') });
    expect(refusal([...asked, { role: 'tool', tool_call_id: 'call_1', content: 'r' }])).toMatchObject({ param: 'messages[1].tool_calls[1].id' });
    expect(refusal([...asked, { role: 'tool', tool_call_id: 'call_1', content: 'r' }, { role: 'tool', tool_call_id: 'call_1', content: 'r' }])).toMatchObject({ param: 'messages[3].tool_call_id' });
    expect(refusal([{ role: 'tool', content: '42', tool_call_id: 'c1' }, { role: 'user', content: 'x' }])).toMatchObject({ param: 'messages[0].tool_call_id' });
    expect(refusal([{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [call('c'), call('c')] }])).toMatchObject({ param: 'messages[1].tool_calls[1].id' });
  });

  it('refuses what it would otherwise have to drop silently, naming the field', () => {
    expect(refusal([{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }])).toMatchObject({ param: 'messages[0].content[0].type' });
    expect(refusal([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x' } }] }])).toMatchObject({ param: 'messages[0].content[0].image_url.url' });
    expect(refusal([{ role: 'assistant', content: null, tool_calls: [{ id: 'c1' }] }, { role: 'user', content: 'x' }])).toMatchObject({ param: 'messages[0].tool_calls[0].type' });
    expect(refusal([{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: {} } }] }])).toMatchObject({ param: 'messages[0].tool_calls[0].function.arguments' });
    expect(refusal([{ role: 'assistant', content: null }, { role: 'user', content: 'x' }])).toMatchObject({ param: 'messages[0].content' });
    expect(refusal([{ role: 'assistant', content: 'x', function_call: { name: 'f' } }, { role: 'user', content: 'x' }])).toMatchObject({ param: 'messages[0].function_call' });
    expect(refusal([{ role: 'function', name: 'f', content: 'x' }])).toMatchObject({ param: 'messages[0].role' });
    expect(refusal([{ role: 'robot', content: 'x' }])).toMatchObject({ param: 'messages[0].role' });
    expect(refusal([{ role: 'user', content: 42 }])).toMatchObject({ param: 'messages[0].content' });
    expect(refusal([{ role: 'user', content: [{ type: 'text' }] }])).toMatchObject({ param: 'messages[0].content[0].text' });
    expect(refusal([{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }, { role: 'user', content: 'x' }])).toMatchObject({ param: 'messages[0].content[0].type' });
  });

  it("needs the user (or tool results) to speak last", () => {
    expect(refusal([{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }])).toMatchObject({ param: 'messages' });
    expect(refusal([{ role: 'system', content: 'Only instructions' }])).toMatchObject({ param: 'messages' });
    // A system message after the last user message is still an instruction.
    expect(fromOpenAIMessages([{ role: 'user', content: 'Hi' }, { role: 'system', content: 'Be nice.' }])).toEqual({ input: 'Hi', history: [], instructions: 'Be nice.' });
  });
});
