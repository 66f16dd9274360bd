import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../problem.js';
import { fromOpenAIMessages } from './from-openai-messages.js';

/** The `param` and message of the 400 a call throws. */
function refusal(messages: Record<string, unknown>[]): { param: unknown; detail: string } {
  try {
    fromOpenAIMessages(messages);
  } catch (error) {
    if (error instanceof HttpProblem) return { param: error.extensions['param'], detail: error.detail };
    throw error;
  }
  throw new Error('expected a 400');
}

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

  it('refuses what it would otherwise have to drop silently, naming the field', () => {
    expect(refusal([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image_url', image_url: { url: 'x' } }] }])).toMatchObject({ param: 'messages[0].content[1].type' });
    expect(refusal([{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }])).toMatchObject({ param: 'messages[0].content[0].type' });
    expect(refusal([{ role: 'assistant', content: null, tool_calls: [{ id: 'c1' }] }, { role: 'user', content: 'x' }])).toMatchObject({ param: 'messages[0].tool_calls' });
    expect(refusal([{ role: 'assistant', content: null }, { role: 'user', content: 'x' }])).toMatchObject({ param: 'messages[0].content' });
    expect(refusal([{ role: 'tool', content: '42', tool_call_id: 'c1' }, { role: 'user', content: 'x' }])).toMatchObject({ param: 'messages[0].role' });
    expect(refusal([{ role: 'robot', content: 'x' }])).toMatchObject({ param: 'messages[0].role' });
    expect(refusal([{ role: 'user', content: 42 }])).toMatchObject({ param: 'messages[0].content' });
    expect(refusal([{ role: 'user', content: [{ type: 'text' }] }])).toMatchObject({ param: 'messages[0].content[0].text' });
  });

  it('needs the user to speak last', () => {
    expect(refusal([{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }])).toMatchObject({ param: 'messages' });
    expect(refusal([{ role: 'system', content: 'Only instructions' }])).toMatchObject({ param: 'messages' });
    // A system message after the last user message is still an instruction.
    expect(fromOpenAIMessages([{ role: 'user', content: 'Hi' }, { role: 'system', content: 'Be nice.' }])).toEqual({ input: 'Hi', history: [], instructions: 'Be nice.' });
  });
});
