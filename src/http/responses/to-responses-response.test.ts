import { describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../executor/agent-response.js';
import { jsonFixture } from '../../../test/support/wire-fixtures.js';
import { fromResponsesRequest } from './responses-request.js';
import { toResponsesResponse, type ResponsesHead } from './to-responses-response.js';

const lookup = { type: 'function', name: 'lookup_order', description: 'Finds an order', parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, strict: null };
const request = fromResponsesRequest({ model: 'support', input: 'Where are orders A-1 and B-2?', instructions: 'Be brief.', tools: [lookup] });
const head: ResponsesHead = { id: 'resp_req-42', createdAt: 1_760_000_000, model: 'support', echo: request.echo };
const answer: AgentResponse = {
  request_id: 'req-42', agent: { name: 'support', version: '1.0.0' }, output: 'Looking them up.',
  tool_calls: [{ id: 'call_a1', name: 'lookup_order', arguments: '{"id":"A-1"}' }, { id: 'call_b2', name: 'lookup_order', arguments: '{"id":"B-2"}' }],
  provider: 'claude', model: 'claude-sonnet-4-5', usage: { input_tokens: 40, output_tokens: 25, total_tokens: 65 }, finish_reason: 'tool_calls',
  duration_ms: 5, fallback_used: false, attempts: 1, cached: false,
};

describe('toResponsesResponse', () => {
  it('writes the text as a message item and each tool call as a function_call item, in OpenAI\'s response object (fixture)', () => {
    expect(toResponsesResponse(answer, head)).toEqual(jsonFixture(import.meta.url, 'response-text-and-calls.json'));
  });

  it('writes only function_call items when the model wrote no text, and one message for a plain answer', () => {
    const calls = toResponsesResponse({ ...answer, output: '' }, head);
    expect(calls.output.map((item) => [item.type, item.id])).toEqual([['function_call', 'fc_call_a1'], ['function_call', 'fc_call_b2']]);
    const { tool_calls: _calls, ...plain } = answer;
    const text = toResponsesResponse({ ...plain, finish_reason: 'stop' }, head);
    expect(text.output).toEqual([{ type: 'message', id: 'msg_req-42_0', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Looking them up.', annotations: [], logprobs: [] }] }]);
    expect(toResponsesResponse({ ...plain, output: '' }, head).output).toEqual([{ type: 'message', id: 'msg_req-42_0', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: '', annotations: [], logprobs: [] }] }]);
  });

  it('is incomplete, with the reason, when the token limit or a content filter cut the answer', () => {
    const { tool_calls: _calls, ...plain } = answer;
    const cut = toResponsesResponse({ ...plain, finish_reason: 'length' }, head);
    expect(cut).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'message', status: 'incomplete' }] });
    expect(toResponsesResponse({ ...plain, finish_reason: 'content_filter' }, head)).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } });
    expect(toResponsesResponse({ ...plain, finish_reason: 'other' }, head)).toMatchObject({ status: 'completed', incomplete_details: null });
  });

  it('breaks the prompt-cache reads and writes out of the input tokens, as the upstream reported them', () => {
    const usage = toResponsesResponse({ ...answer, usage: { input_tokens: 900, output_tokens: 12, total_tokens: 912, cache_read_input_tokens: 800, cache_creation_input_tokens: 50 } }, head).usage;
    expect(usage).toEqual({ input_tokens: 900, input_tokens_details: { cached_tokens: 800, cache_write_tokens: 50 }, output_tokens: 12, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 912 });
  });
});
