import { describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../executor/agent-response.js';
import { HttpProblem } from '../problem.js';
import { openAIChunkFormat } from './openai-chunk-format.js';

const response: AgentResponse = {
  request_id: 'r1', agent: { name: 'support', version: '1' }, output: 'Hi there', provider: 'claude', model: 'claude-sonnet-4-5',
  usage: { input_tokens: 7, output_tokens: 2, total_tokens: 9 }, finish_reason: 'length', duration_ms: 3, fallback_used: false, attempts: 1, cached: false,
};
const start = { type: 'start', request_id: 'r1', agent: response.agent, provider: 'claude', model: 'claude-sonnet-4-5', cached: false } as const;

/** The JSON of each `data:` frame in `text` (`[DONE]` as the string). */
function frames(text: string): unknown[] {
  return text.split('\n\n').filter(Boolean).map((frame) => {
    expect(frame.startsWith('data: ')).toBe(true);
    const data = frame.slice('data: '.length);
    return data === '[DONE]' ? data : JSON.parse(data);
  });
}

describe('openAIChunkFormat', () => {
  const base = { id: 'chatcmpl-r1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'support' };

  it('writes the role chunk, content chunks, the finish chunk and [DONE]', () => {
    const format = openAIChunkFormat({ id: 'chatcmpl-r1', created: 1_700_000_000, model: 'support', includeUsage: false });
    expect(frames(format.start(start))).toEqual([{ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] }]);
    expect(frames(format.delta('Hi '))).toEqual([{ ...base, choices: [{ index: 0, delta: { content: 'Hi ' }, logprobs: null, finish_reason: null }] }]);
    expect(frames(format.done(response))).toEqual([{ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }] }, '[DONE]']);
  });

  it('with include_usage: usage null on every chunk, then a usage chunk without choices before [DONE]', () => {
    const format = openAIChunkFormat({ id: 'chatcmpl-r1', created: 1_700_000_000, model: 'support', includeUsage: true });
    expect(frames(format.delta('x'))[0]).toMatchObject({ usage: null });
    expect(frames(format.done(response))).toEqual([
      { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }], usage: null },
      { ...base, choices: [], usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } },
      '[DONE]',
    ]);
  });

  it('ends a failed stream with an error object and no [DONE]', () => {
    const format = openAIChunkFormat({ id: 'chatcmpl-r1', created: 1, model: 'support', includeUsage: true });
    expect(frames(format.error(new HttpProblem(503, 'provider-unavailable', 'Provider unavailable', 'claude: the stream broke')))).toEqual([
      { error: { message: 'claude: the stream broke', type: 'server_error', param: null, code: 'service_unavailable' } },
    ]);
  });
});

describe('openAIChunkFormat with tool calls', () => {
  const base = { id: 'chatcmpl-r1', object: 'chat.completion.chunk', created: 1, model: 'support' };
  const choice = (delta: unknown) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] });

  it("writes each call's first chunk with index, id, type and name, then argument pieces by index, and finishes with tool_calls", () => {
    const format = openAIChunkFormat({ id: 'chatcmpl-r1', created: 1, model: 'support', includeUsage: false });
    expect(frames(format.toolCallStart(0, 'call_a', 'get_weather'))).toEqual([choice({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] })]);
    expect(frames(format.toolCallStart(1, 'call_b', 'get_time'))).toEqual([choice({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } }] })]);
    expect(frames(format.toolCallDelta(1, '{"tz":'))).toEqual([choice({ tool_calls: [{ index: 1, function: { arguments: '{"tz":' } }] })]);
    expect(format.toolCallDelta(0, '')).toBe('');
    expect(format.toolCallEnd(0)).toBe('');
    const calls = { ...response, output: '', finish_reason: 'tool_calls', tool_calls: [{ id: 'call_a', name: 'get_weather', arguments: '{}' }] };
    expect(frames(format.done(calls))).toEqual([{ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }] }, '[DONE]']);
  });
});
