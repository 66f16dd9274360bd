import { describe, expect, it } from 'vitest';
import type { AgentDefinition } from '../../agents/agent-definition.js';
import { jsonFixture } from '../../../test/support/wire-fixtures.js';
import { HttpProblem } from '../problem.js';
import { checkResponsesAgainstAgent, fromResponsesRequest, type ResponsesRequestBody } from './responses-request.js';

const weather = { type: 'function', name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true };
const fixture = (name: string) => jsonFixture(import.meta.url, name) as ResponsesRequestBody;

/** The `param` and message of the 400 a body gets, or undefined when it is accepted. */
function refused(extra: Record<string, unknown>, base: Record<string, unknown> = { model: 'a', input: 'Hi' }): { param: unknown; detail: string } | undefined {
  try {
    fromResponsesRequest({ ...base, ...extra } as ResponsesRequestBody);
    return undefined;
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    expect(error.status).toBe(400);
    return { param: error.extensions['param'], detail: error.detail };
  }
}

describe('fromResponsesRequest', () => {
  it('reads the Agents SDK\'s tool round (instructions, its own output items sent back, the tool result) as the conversation', () => {
    const request = fromResponsesRequest(fixture('request-agents-sdk-tool-results.json'));
    expect(request).toMatchObject({
      agent: 'tools-gpt',
      input: '',
      instructions: 'Be brief.',
      history: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: 'Let me look.', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
        { role: 'tool', toolCallId: 'call_1', content: 'sunny in Paris' },
      ],
      tools: [{ name: 'get_weather', description: 'The weather', strict: true }],
      stream: false,
    });
    expect(request.echo).toMatchObject({ instructions: 'Be brief.', tools: [{ type: 'function', name: 'get_weather', description: 'The weather', strict: true }], tool_choice: 'auto', parallel_tool_calls: true });
  });

  it('reads the AI SDK\'s stateless tool round (store: false, its system message as instructions)', () => {
    const request = fromResponsesRequest(fixture('request-ai-sdk-stateless-tool-results.json'));
    expect(request.history).toEqual([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Let me look.', toolCalls: [{ id: 'call_2', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', toolCallId: 'call_2', content: 'sunny in Paris' },
    ]);
    expect(request.toolChoice).toBe('auto');
  });

  it('refuses the AI SDK\'s default item_reference, naming the item and how to send it instead', () => {
    expect(refused({}, fixture('request-ai-sdk-item-reference.json') as Record<string, unknown>)).toEqual({ param: 'input[2].type', detail: expect.stringContaining('store: false') });
  });

  it('passes text.format json_schema (both SDKs\' structured output) and echoes it', () => {
    const agents = fromResponsesRequest(fixture('request-agents-sdk-output-type.json'));
    expect(agents.responseFormat).toMatchObject({ type: 'json_schema', name: 'output', strict: true, schema: { required: ['city', 'sunny'] } });
    expect(agents.echo.text.format).toMatchObject({ type: 'json_schema', name: 'output', strict: true });
    expect(agents.tools).toEqual([]);
    const ai = fromResponsesRequest(fixture('request-ai-sdk-object.json'));
    expect(ai).toMatchObject({ input: 'JSON weather', responseFormat: { type: 'json_schema', name: 'response' } });
    expect(fromResponsesRequest({ model: 'a', input: 'x', text: { format: { type: 'json_object' } } }).responseFormat).toEqual({ type: 'json_object' });
    expect(fromResponsesRequest({ model: 'a', input: 'x', text: { format: { type: 'text' }, verbosity: 'low' } })).not.toHaveProperty('responseFormat');
  });

  it('passes an image by URL, as the AI SDK sends it', () => {
    expect(fromResponsesRequest(fixture('request-ai-sdk-image.json')).history).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } }] },
    ]);
  });

  it('passes the overrides and tool settings, and echoes what the response repeats; nulls are not set', () => {
    const request = fromResponsesRequest({
      model: 'a', input: 'Hi', temperature: 0.2, top_p: 0.9, max_output_tokens: 50, tools: [weather], tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false, metadata: { order: 'A-1' }, user: 'end-user-1', stream: true,
    });
    expect(request).toMatchObject({ input: 'Hi', temperature: 0.2, topP: 0.9, maxTokens: 50, toolChoice: { name: 'get_weather' }, parallelToolCalls: false, stream: true });
    expect(request.echo).toEqual({
      instructions: null, max_output_tokens: 50, parallel_tool_calls: false, temperature: 0.2, text: { format: { type: 'text' } },
      tool_choice: { type: 'function', name: 'get_weather' }, tools: [{ type: 'function', name: 'get_weather', description: 'Weather now', parameters: weather.parameters, strict: true }],
      top_p: 0.9, user: 'end-user-1', metadata: { order: 'A-1' },
    });
    const plain = fromResponsesRequest({ model: 'a', input: 'Hi', temperature: null, max_output_tokens: null, instructions: null, tools: null, tool_choice: null, parallel_tool_calls: false, store: false, previous_response_id: null, include: [], background: false });
    expect(plain).toEqual({ agent: 'a', input: 'Hi', history: [], tools: [], stream: false, echo: expect.objectContaining({ tool_choice: 'auto', metadata: {} }) });
  });

  it('refuses what needs stored responses or OpenAI\'s own features, naming the parameter', () => {
    expect(refused({ previous_response_id: 'resp_123' })).toEqual({ param: 'previous_response_id', detail: expect.stringContaining('stores no responses') });
    expect(refused({ store: true })?.param).toBe('store');
    expect(refused({ conversation: 'conv_1' })?.param).toBe('conversation');
    expect(refused({ background: true })?.param).toBe('background');
    expect(refused({ prompt: { id: 'pmpt_1' } })?.param).toBe('prompt');
    expect(refused({ context_management: [{ type: 'compaction' }] })?.param).toBe('context_management');
    expect(refused({ top_logprobs: 3 })?.param).toBe('top_logprobs');
    expect(refused({ include: ['reasoning.encrypted_content', 'message.output_text.logprobs'] })?.param).toBe('include[1]');
    expect(refused({ tools: [{ type: 'web_search' }] })).toEqual({ param: 'tools[0].type', detail: expect.stringContaining('runs no built-in tools') });
    expect(refused({ tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] })?.param).toBe('tools[0].type');
    expect(refused({ tools: [{ type: 'custom', name: 'grammar' }] })?.param).toBe('tools[0].type');
    expect(refused({ tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] } })?.param).toBe('tool_choice.type');
    expect(refused({ tool_choice: { type: 'web_search_preview' } })?.param).toBe('tool_choice.type');
    // The neutral values pass.
    expect(refused({ store: false, background: false, include: ['reasoning.encrypted_content'], top_logprobs: 0, context_management: [], reasoning: { effort: 'low' }, truncation: 'auto', service_tier: 'auto' })).toBeUndefined();
  });

  it('checks tools, tool_choice and text.format as chat completions do, naming the field', () => {
    expect(refused({ tools: [{ type: 'function', description: 'no name' }] })?.param).toBe('tools[0].name');
    expect(refused({ tools: [{ type: 'function', name: 'x', parameters: { type: 'array' } }] })?.param).toBe('tools[0].parameters.type');
    expect(refused({ tools: [weather, weather] })?.param).toBe('tools[1].name');
    expect(refused({ tools: [{ ...weather, strict: 'yes' }] })?.param).toBe('tools[0].strict');
    expect(refused({ tool_choice: 'required' })?.param).toBe('tool_choice');
    expect(refused({ tools: [weather], tool_choice: { type: 'function', name: 'other' } })?.param).toBe('tool_choice.name');
    expect(refused({ tools: [weather], tool_choice: 'sometimes' })?.param).toBe('tool_choice');
    expect(refused({ text: { format: { type: 'json_schema', name: 'answer' } } })?.param).toBe('text.format.schema');
    expect(refused({ text: { format: { type: 'json_schema', name: 'no spaces', schema: { type: 'object' } } } })?.param).toBe('text.format.name');
    expect(refused({ text: { format: { type: 'xml' } } })?.param).toBe('text.format.type');
  });

  it('refuses a client tool named like one of the agent\'s manifest tools', () => {
    const agent = { name: 'support', tools: [{ name: 'get_weather' }] } as unknown as AgentDefinition;
    const request = fromResponsesRequest({ model: 'support', input: 'Hi', tools: [weather] });
    expect(() => checkResponsesAgainstAgent(request, agent)).toThrow(expect.objectContaining({ extensions: { param: 'tools[0].name' } }));
  });
});
