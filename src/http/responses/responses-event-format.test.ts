import { describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../executor/agent-response.js';
import { sseEvents, textFixture } from '../../../test/support/wire-fixtures.js';
import { HttpProblem } from '../problem.js';
import { responsesEventFormat } from './responses-event-format.js';
import { fromResponsesRequest } from './responses-request.js';
import type { ResponsesHead } from './to-responses-response.js';

const lookup = { type: 'function', name: 'lookup_order', description: 'Finds an order', parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, strict: null };
const head: ResponsesHead = { id: 'resp_req-42', createdAt: 1_760_000_000, model: 'support', echo: fromResponsesRequest({ model: 'support', input: 'Where are orders A-1 and B-2?', instructions: 'Be brief.', tools: [lookup] }).echo };
const answer: AgentResponse = {
  request_id: 'req-42', agent: { name: 'support', version: '1.0.0' }, output: 'Looking them up.',
  tool_calls: [{ id: 'call_a1', name: 'lookup_order', arguments: '{"id":"A-1"}' }, { id: 'call_b2', name: 'lookup_order', arguments: '{"id":"B-2"}' }],
  provider: 'claude', model: 'claude-sonnet-4-5', usage: { input_tokens: 40, output_tokens: 25, total_tokens: 65 }, finish_reason: 'tool_calls',
  duration_ms: 5, fallback_used: false, attempts: 1, cached: false,
};
const start = { type: 'start', request_id: 'req-42', agent: answer.agent, provider: 'claude', model: 'claude-sonnet-4-5', cached: false } as const;

/** Each frame's event name and parsed data, checking that the event line and the data's `type` agree. */
function events(text: string): { type: string; [field: string]: unknown }[] {
  return sseEvents(text).map((event) => {
    const data = JSON.parse(event.data) as { type: string };
    expect(event.event).toBe(data.type);
    return data;
  });
}

describe('responsesEventFormat', () => {
  it('streams a message, then two parallel calls with interleaved arguments, each on its own item, then response.completed (fixture)', () => {
    const format = responsesEventFormat(head, 'req-42');
    let wire = format.start(start);
    wire += format.delta('Looking ') + format.delta('them up.');
    wire += format.toolCallStart(0, 'call_a1', 'lookup_order') + format.toolCallStart(1, 'call_b2', 'lookup_order');
    wire += format.toolCallDelta(1, '{"id":') + format.toolCallDelta(0, '{"id":"A-1"}') + format.toolCallDelta(1, '"B-2"}');
    wire += format.toolCallEnd(0) + format.toolCallEnd(1) + format.done(answer);
    expect(wire).toBe(textFixture(import.meta.url, 'stream-text-and-calls.sse'));
    const sent = events(wire);
    expect(sent.map((event) => event['sequence_number'])).toEqual(sent.map((_event, index) => index));
    // The last event holds the whole response, the same items a response answered whole has.
    expect(sent.at(-1)).toMatchObject({ type: 'response.completed', response: { status: 'completed', output: [{ type: 'message' }, { call_id: 'call_a1' }, { call_id: 'call_b2' }], usage: { total_tokens: 65 } } });
  });

  it('opens a new message for text after a call, and ends a cut answer with response.incomplete', () => {
    const format = responsesEventFormat(head, 'req-42');
    const wire = format.start(start) + format.toolCallStart(0, 'call_a1', 'lookup_order') + format.toolCallDelta(0, '{}') + format.toolCallEnd(0) + format.delta('and more') +
      format.done({ ...answer, output: 'and more', tool_calls: [{ id: 'call_a1', name: 'lookup_order', arguments: '{}' }], finish_reason: 'length' });
    const sent = events(wire);
    expect(sent.map((event) => event.type)).toEqual([
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done',
      'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.incomplete',
    ]);
    expect(sent[6]).toMatchObject({ output_index: 1, item: { type: 'message', id: 'msg_req-42_1' } });
    expect(sent.at(-1)).toMatchObject({ response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ status: 'completed' }, { status: 'incomplete' }] } });
  });

  it('announces an empty answer as one empty message, as a response answered whole has it', () => {
    const format = responsesEventFormat(head, 'req-42');
    const { tool_calls: _calls, ...plain } = answer;
    const sent = events(format.start(start) + format.done({ ...plain, output: '', finish_reason: 'stop' }));
    expect(sent.map((event) => event.type)).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed',
    ]);
  });

  it('ends a stream that failed midway with response.failed: the error, and what was written marked incomplete', () => {
    const format = responsesEventFormat(head, 'req-42');
    const wire = format.start(start) + format.delta('Looking') + format.error(new HttpProblem(503, 'provider-unavailable', 'Provider unavailable', 'provider "claude": connection reset'));
    const failed = events(wire).at(-1)!;
    expect(failed).toMatchObject({
      type: 'response.failed', sequence_number: 5,
      response: { status: 'failed', error: { code: 'server_error', message: 'provider "claude": connection reset' }, output: [{ type: 'message', status: 'incomplete', content: [{ text: 'Looking' }] }] },
    });
    expect(events(responsesEventFormat(head, 'r').error(new HttpProblem(429, 'rate-limited', 'Too many requests', 'slow down')))[0]).toMatchObject({ response: { error: { code: 'rate_limit_exceeded' } } });
  });
});
