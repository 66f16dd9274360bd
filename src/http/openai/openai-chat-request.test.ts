import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../problem.js';
import { fromOpenAIChatRequest, type OpenAIChatRequestBody } from './openai-chat-request.js';

const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }];

describe('fromOpenAIChatRequest', () => {
  it('names the agent by model and passes the overrides; max_completion_tokens wins over max_tokens', () => {
    expect(fromOpenAIChatRequest({ model: 'support', messages, temperature: 0.2, max_tokens: 10, max_completion_tokens: 20 })).toEqual({
      agent: 'support',
      input: 'Hi',
      history: [],
      context: { client_instructions: 'Be brief.' },
      temperature: 0.2,
      maxTokens: 20,
      stream: false,
      includeUsage: false,
    });
    expect(fromOpenAIChatRequest({ model: 'support', messages: [{ role: 'user', content: 'Hi' }], temperature: null, max_tokens: 7 })).toMatchObject({ context: {}, maxTokens: 7 });
    expect(fromOpenAIChatRequest({ model: 'support', messages, temperature: null })).not.toHaveProperty('temperature');
  });

  it('reads include_usage only for a stream', () => {
    expect(fromOpenAIChatRequest({ model: 'a', messages, stream: true, stream_options: { include_usage: true } })).toMatchObject({ stream: true, includeUsage: true });
    expect(fromOpenAIChatRequest({ model: 'a', messages, stream: false, stream_options: { include_usage: true } })).toMatchObject({ stream: false, includeUsage: false });
  });

  it('refuses what an agent cannot honour, naming the parameter; neutral values pass', () => {
    const refused = (extra: Record<string, unknown>): unknown => {
      try {
        fromOpenAIChatRequest({ model: 'a', messages, ...extra } as OpenAIChatRequestBody);
        return undefined;
      } catch (error) {
        return error instanceof HttpProblem ? error.extensions['param'] : error;
      }
    };
    expect(refused({ n: 2 })).toBe('n');
    expect(refused({ stop: 'END' })).toBe('stop');
    expect(refused({ tools: [{ type: 'function' }] })).toBe('tools');
    expect(refused({ tool_choice: 'required' })).toBe('tool_choice');
    expect(refused({ response_format: { type: 'json_schema' } })).toBe('response_format');
    expect(refused({ logprobs: true })).toBe('logprobs');
    expect(refused({ modalities: ['text', 'audio'] })).toBe('modalities');
    expect(refused({ audio: { voice: 'alloy' } })).toBe('audio');
    for (const neutral of [{ n: 1 }, { stop: null }, { stop: [] }, { tools: [] }, { tool_choice: 'none' }, { tool_choice: 'auto' }, { response_format: { type: 'text' } }, { logprobs: false }, { modalities: ['text'] }, { audio: null }, { top_p: 0.1, seed: 1, user: 'u' }]) {
      expect(refused(neutral), JSON.stringify(neutral)).toBeUndefined();
    }
  });
});
