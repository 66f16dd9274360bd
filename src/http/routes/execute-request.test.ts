import { describe, expect, it } from 'vitest';
import type { AgentDefinition } from '../../agents/agent-definition.js';
import { HttpProblem } from '../problem.js';
import { checkExecuteAgainstAgent, fromExecuteBody, type ExecuteBody } from './execute-request.js';

/** The field of the 400 a body gets, or undefined when it is accepted. */
function refused(body: ExecuteBody): unknown {
  try {
    fromExecuteBody(body);
    return undefined;
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    expect(error.status).toBe(400);
    return (error.extensions['errors'] as { field: string }[])[0]!.field;
  }
}

const lookup = { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } };

describe('fromExecuteBody', () => {
  it('reads a classic {input, context} body as it always was: nothing else', () => {
    expect(fromExecuteBody({ input: 'Hi', context: { order: 'A-1' } })).toEqual({ input: 'Hi', context: { order: 'A-1' } });
    expect(fromExecuteBody({ input: 'Hi' })).toEqual({ input: 'Hi', context: {} });
  });

  it('reads a tool round trip: the history with the call and its result, the tools, the choice and the format', () => {
    const request = fromExecuteBody({
      messages: [
        { role: 'user', content: 'Where is A-1?' },
        { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', name: 'lookup_order', arguments: '{"id":"A-1"}' }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}', is_error: false },
      ],
      instructions: 'Answer in French.',
      tools: [lookup],
      tool_choice: { name: 'lookup_order' },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', name: 'answer', schema: { type: 'object' } },
      stop: ['END'],
    });
    expect(request).toEqual({
      input: '',
      context: {},
      history: [
        { role: 'user', content: 'Where is A-1?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: '{"id":"A-1"}' }] },
        { role: 'tool', toolCallId: 'call_1', content: '{"status":"shipped"}' },
      ],
      instructions: 'Answer in French.',
      tools: [lookup],
      toolChoice: { name: 'lookup_order' },
      parallelToolCalls: false,
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' } },
      stop: ['END'],
    });
  });

  it('puts the input after the messages, and reads images and failed tool results', () => {
    const request = fromExecuteBody({
      input: 'And now?',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image', url: 'https://example.com/a.png' }, { type: 'image', media_type: 'image/png', data: 'iVBO' }] },
        { role: 'assistant', tool_calls: [{ id: 'c', name: 'f', arguments: '{}' }] },
        { role: 'tool', tool_call_id: 'c', content: 'timed out', is_error: true },
        { role: 'assistant', content: 'The tool failed.' },
      ],
    });
    expect(request.input).toBe('And now?');
    expect(request.history).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBO' } }] },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c', content: 'timed out', isError: true },
      { role: 'assistant', content: 'The tool failed.' },
    ]);
  });

  it('answers 400 naming the field for what it cannot read', () => {
    const asked = [{ role: 'user' as const, content: 'x' }, { role: 'assistant' as const, tool_calls: [{ id: 'call_1', name: 'f', arguments: '{}' }] }];
    expect(refused({})).toBe('body.input');
    expect(refused({ messages: [...asked, { role: 'tool', tool_call_id: 'call_2', content: 'r' }] })).toBe('body.messages.2.tool_call_id');
    expect(refused({ messages: asked })).toBe('body.messages');
    expect(refused({ input: 'go on', messages: asked })).toBe('body.messages.1.tool_calls.0.id');
    expect(refused({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y' }] })).toBe('body.messages');
    expect(refused({ messages: [{ role: 'tool', content: 'r' }] })).toBe('body.messages.0.tool_call_id');
    expect(refused({ messages: [{ role: 'user', content: 'x', tool_call_id: 'c' }] })).toBe('body.messages.0.tool_call_id');
    expect(refused({ messages: [{ role: 'user', content: [{ type: 'image', url: 'file:///etc/passwd' }] }] })).toBe('body.messages.0.content.0.url');
    expect(refused({ messages: [{ role: 'user', content: [{ type: 'image', media_type: 'text/html', data: 'x' }] }] })).toBe('body.messages.0.content.0.media_type');
    expect(refused({ input: 'x', tools: [{ name: 'bad name' }] })).toBe('body.tools.0.name');
    expect(refused({ input: 'x', tools: [{ name: 'f', parameters: { type: 'object', required: 'id' } }] })).toBe('body.tools.0.parameters');
    expect(refused({ input: 'x', tools: [lookup, lookup] })).toBe('body.tools.1.name');
    expect(refused({ input: 'x', tool_choice: 'required' })).toBe('body.tool_choice');
    expect(refused({ input: 'x', tools: [lookup], tool_choice: { name: 'other' } })).toBe('body.tool_choice.name');
    expect(refused({ input: 'x', response_format: { type: 'json_schema', name: 'answer' } })).toBe('body.response_format.schema');
    expect(refused({ input: 'x', response_format: { type: 'json_schema', schema: { type: 'object' } } })).toBe('body.response_format.name');
    expect(refused({ input: 'x', stop: ['a', 'b', 'c', 'd', 'e'] })).toBe('body.stop');
  });

  it("refuses a client tool named like one of the agent's manifest, naming both", () => {
    const agent = { name: 'support', tools: [{ name: 'lookup_order' }] } as unknown as AgentDefinition;
    let problem: unknown;
    try {
      checkExecuteAgainstAgent(fromExecuteBody({ input: 'x', tools: [lookup] }), agent);
    } catch (error) {
      problem = error;
    }
    expect(problem).toBeInstanceOf(HttpProblem);
    expect((problem as HttpProblem).detail).toBe('body.tools.0.name names the tool "lookup_order", which agent "support" declares in its manifest (spec.tools[0]): a client tool must not share a name with the agent\'s own');
  });
});
