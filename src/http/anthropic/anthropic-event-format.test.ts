import { describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../executor/agent-response.js';
import { HttpProblem } from '../problem.js';
import { anthropicEventFormat } from './anthropic-event-format.js';

const response = (extra: Partial<AgentResponse> = {}): AgentResponse => ({
  request_id: 'r1', agent: { name: 'm', version: null }, output: '', provider: 'p', model: 'x',
  usage: { input_tokens: 50, output_tokens: 7, total_tokens: 57, cache_read_input_tokens: 20 }, finish_reason: 'stop', duration_ms: 1, fallback_used: false, attempts: 1, cached: false, ...extra,
});

/** The events of a stream's frames: `[event, data]`. */
function events(frames: string): [string, Record<string, unknown>][] {
  return frames
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      const [event, data] = frame.split('\n');
      return [event!.slice('event: '.length), JSON.parse(data!.slice('data: '.length)) as Record<string, unknown>];
    });
}

describe('anthropicEventFormat', () => {
  const identity = { id: 'msg_r1', model: 'claude-sonnet-4-5', requestId: 'r1' };

  it('opens with message_start and a ping, numbers blocks in order, ends with message_delta and message_stop', () => {
    const f = anthropicEventFormat(identity);
    const out = f.start({ type: 'start', request_id: 'r1', agent: { name: 'm', version: null }, provider: 'p', model: 'x', cached: false }) +
      f.delta('Let me ') + f.delta('look.') + f.toolCallStart(0, 'toolu_1', 'Read') + f.toolCallDelta(0, '{"file_path":') + f.toolCallDelta(0, '"a"}') + f.toolCallEnd(0) +
      f.done(response({ output: 'Let me look.', finish_reason: 'tool_calls' }));
    expect(events(out)).toEqual([
      ['message_start', { type: 'message_start', message: { id: 'msg_r1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } } }],
      ['ping', { type: 'ping' }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'look.' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'Read', input: {} } }],
      ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"file_path":' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"a"}' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 1 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 30, output_tokens: 7, cache_read_input_tokens: 20 } }],
      ['message_stop', { type: 'message_stop' }],
    ]);
  });

  it('holds a call that starts while another is open, with its pieces, and writes it whole once that one ends', () => {
    const f = anthropicEventFormat(identity);
    const written = [
      f.toolCallStart(0, 'call_a', 'get_weather'),
      f.toolCallStart(1, 'call_b', 'get_time'),
      f.toolCallDelta(1, '{"zone":'),
      f.toolCallDelta(0, '{"city":"Oslo"}'),
      f.toolCallDelta(1, '"CET"}'),
      f.toolCallEnd(1),
      f.toolCallEnd(0),
    ];
    expect(written[1]).toBe('');
    expect(written[2]).toBe('');
    expect(written[5]).toBe('');
    expect(events(written.join(''))).toEqual([
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'call_a', name: 'get_weather', input: {} } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"city":"Oslo"}' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_b', name: 'get_time', input: {} } }],
      ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"zone":"CET"}' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 1 }],
    ]);
  });

  it('writes what is still held at the end (calls never ended, text after a tool call), in order', () => {
    const f = anthropicEventFormat(identity);
    const out = f.toolCallStart(0, 'c0', 'a') + f.delta('after') + f.toolCallStart(1, 'c1', 'b') + f.toolCallDelta(1, '{}') + f.done(response({ finish_reason: 'tool_calls' }));
    const blocks = events(out).filter(([type]) => type === 'content_block_start').map(([, data]) => [data['index'], (data['content_block'] as Record<string, unknown>)['type']]);
    expect(blocks).toEqual([[0, 'tool_use'], [1, 'text'], [2, 'tool_use']]);
    expect(events(out).filter(([type]) => type === 'content_block_stop')).toHaveLength(3);
  });

  it('has a text block for an empty answer, and stop_sequence when the upstream named it', () => {
    const out = anthropicEventFormat(identity).done(response({ stop_sequence: 'END' }));
    expect(events(out).map(([type]) => type)).toEqual(['content_block_start', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(events(out)[2]![1]).toMatchObject({ delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' } });
  });

  it("ends a broken stream with an error event in Anthropic's shape", () => {
    const out = anthropicEventFormat(identity).error(new HttpProblem(503, 'provider-unavailable', 'Provider unavailable', 'claude: overloaded'));
    expect(events(out)).toEqual([['error', { type: 'error', error: { type: 'overloaded_error', message: 'claude: overloaded' }, request_id: 'r1' }]]);
  });
});
