import { describe, expect, it } from 'vitest';
import type { AgentDefinition } from '../../agents/agent-definition.js';
import { HttpProblem } from '../problem.js';
import { checkChatAgainstAgent, fromOpenAIChatRequest, type OpenAIChatRequestBody } from './openai-chat-request.js';

const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }];
const weather = { type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

/** The `param` of the 400 a body gets, or undefined when it is accepted. */
function refused(extra: Record<string, unknown>, base: Record<string, unknown> = { model: 'a', messages }): unknown {
  try {
    fromOpenAIChatRequest({ ...base, ...extra } as OpenAIChatRequestBody);
    return undefined;
  } catch (error) {
    return error instanceof HttpProblem ? error.extensions['param'] : error;
  }
}

describe('fromOpenAIChatRequest', () => {
  it('names the agent by model and passes the overrides; max_completion_tokens wins over max_tokens; system messages are instructions', () => {
    expect(fromOpenAIChatRequest({ model: 'support', messages, temperature: 0.2, max_tokens: 10, max_completion_tokens: 20 })).toEqual({
      agent: 'support',
      input: 'Hi',
      history: [],
      instructions: 'Be brief.',
      temperature: 0.2,
      maxTokens: 20,
      tools: [],
      stream: false,
      includeUsage: false,
    });
    expect(fromOpenAIChatRequest({ model: 'support', messages: [{ role: 'user', content: 'Hi' }], temperature: null, max_tokens: 7 })).not.toHaveProperty('instructions');
    expect(fromOpenAIChatRequest({ model: 'support', messages, temperature: null })).not.toHaveProperty('temperature');
  });

  it('reads include_usage only for a stream', () => {
    expect(fromOpenAIChatRequest({ model: 'a', messages, stream: true, stream_options: { include_usage: true } })).toMatchObject({ stream: true, includeUsage: true });
    expect(fromOpenAIChatRequest({ model: 'a', messages, stream: false, stream_options: { include_usage: true } })).toMatchObject({ stream: false, includeUsage: false });
  });

  it('passes tools, tool_choice, parallel_tool_calls, response_format and stop; explicit nulls read as not set', () => {
    const chat = fromOpenAIChatRequest({
      model: 'a', messages, tools: [weather, { type: 'function', function: { name: 'now' } }], tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false, response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } }, stop: 'END',
    });
    expect(chat).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Weather now', parameters: weather.function.parameters }, { name: 'now', parameters: { type: 'object', properties: {} } }],
      toolChoice: { name: 'get_weather' },
      parallelToolCalls: false,
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
      stop: ['END'],
    });
    const nulls = fromOpenAIChatRequest({ model: 'a', messages, tools: null, tool_choice: null, parallel_tool_calls: null, response_format: null, stop: null, user: null, stream_options: null } as OpenAIChatRequestBody);
    expect(nulls).toEqual(fromOpenAIChatRequest({ model: 'a', messages }));
    // Without tools, neither tool_choice "auto" nor parallel_tool_calls is passed on (OpenAI refuses them there).
    expect(fromOpenAIChatRequest({ model: 'a', messages, tool_choice: 'auto', parallel_tool_calls: true })).not.toHaveProperty('parallelToolCalls');
    expect(fromOpenAIChatRequest({ model: 'a', messages, response_format: { type: 'json_object' } })).toMatchObject({ responseFormat: { type: 'json_object' } });
    expect(fromOpenAIChatRequest({ model: 'a', messages, response_format: { type: 'text' } })).not.toHaveProperty('responseFormat');
  });

  it('refuses bad tools, choices and formats with a 400 naming the field', () => {
    expect(refused({ tools: [{ type: 'function', function: { description: 'no name' } }] })).toBe('tools[0].function.name');
    expect(refused({ tools: [{ type: 'function', function: { name: 'has space' } }] })).toBe('tools[0].function.name');
    expect(refused({ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'strin' } } } } }] })).toBe('tools[0].function.parameters');
    expect(refused({ tools: [{ type: 'function', function: { name: 'f', parameters: 'a schema' } }] })).toBe('tools[0].function.parameters');
    expect(refused({ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'string' } } }] })).toBe('tools[0].function.parameters.type');
    expect(refused({ tools: [{ type: 'custom', custom: { name: 'f' } }] })).toBe('tools[0].type');
    expect(refused({ tools: [weather, weather] })).toBe('tools[1].function.name');
    expect(refused({ tools: Array.from({ length: 129 }, (_, i) => ({ type: 'function', function: { name: `t${i}` } })) })).toBe('tools');
    expect(refused({ tool_choice: 'required' })).toBe('tool_choice');
    expect(refused({ tools: [weather], tool_choice: { type: 'function', function: { name: 'other' } } })).toBe('tool_choice.function.name');
    expect(refused({ tools: [weather], tool_choice: 'sometimes' })).toBe('tool_choice');
    expect(refused({ response_format: { type: 'json_schema' } })).toBe('response_format.json_schema');
    expect(refused({ response_format: { type: 'json_schema', json_schema: { name: 'answer' } } })).toBe('response_format.json_schema.schema');
    expect(refused({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 12 } } } })).toBe('response_format.json_schema.schema');
    expect(refused({ response_format: { type: 'yaml' } })).toBe('response_format.type');
    expect(refused({ stop: ['a', 'b', 'c', 'd', 'e'] })).toBe('stop');
    expect(refused({ stop: [''] })).toBe('stop[0]');
  });

  it('refuses what an agent cannot honour, naming the parameter; neutral values pass', () => {
    expect(refused({ n: 2 })).toBe('n');
    expect(refused({ functions: [{ name: 'f' }] })).toBe('functions');
    expect(refused({ function_call: { name: 'f' } })).toBe('function_call');
    expect(refused({ logprobs: true })).toBe('logprobs');
    expect(refused({ modalities: ['text', 'audio'] })).toBe('modalities');
    expect(refused({ audio: { voice: 'alloy' } })).toBe('audio');
    for (const neutral of [{ n: 1 }, { stop: null }, { stop: [] }, { tools: [] }, { tool_choice: 'none' }, { tool_choice: 'auto' }, { response_format: { type: 'text' } }, { logprobs: false }, { modalities: ['text'] }, { audio: null }, { functions: [] }, { top_p: 0.1, seed: 1, user: 'u' }]) {
      expect(refused(neutral), JSON.stringify(neutral)).toBeUndefined();
    }
  });

  it("refuses a client tool that shares its name with one of the agent's manifest, naming both", () => {
    const agent = { name: 'support', tools: [{ name: 'lookup_order' }, { name: 'get_weather' }] } as unknown as AgentDefinition;
    const chat = fromOpenAIChatRequest({ model: 'support', messages, tools: [{ type: 'function', function: { name: 'now' } }, weather] });
    const error = (() => {
      try {
        checkChatAgainstAgent(chat, agent);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(HttpProblem);
    expect((error as HttpProblem).extensions['param']).toBe('tools[1].function.name');
    expect((error as HttpProblem).detail).toMatch(/"get_weather".*agent "support".*spec\.tools\[1\]/);
    expect(() => checkChatAgainstAgent(fromOpenAIChatRequest({ model: 'support', messages }), agent)).not.toThrow();
  });
});
