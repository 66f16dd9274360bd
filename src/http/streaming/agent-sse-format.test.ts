import { describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../executor/agent-response.js';
import { agentSseFormat } from './agent-sse-format.js';

const response: AgentResponse = {
  request_id: 'r1', agent: { name: 'support', version: '1' }, output: '', tool_calls: [{ id: 'call_a', name: 'lookup', arguments: '{"id":"A-1"}' }],
  provider: 'claude', model: 'm', usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 }, finish_reason: 'tool_calls', duration_ms: 1, fallback_used: false, attempts: 1, cached: false,
};

describe('agentSseFormat', () => {
  it('sends each tool call whole, once it ends, with its index; parallel calls keep their own arguments', () => {
    const format = agentSseFormat('/v1/agents/support/execute', 'r1');
    expect(format.toolCallStart(0, 'call_a', 'lookup')).toBe('');
    expect(format.toolCallStart(1, 'call_b', 'refund')).toBe('');
    expect(format.toolCallDelta(1, '{"amount":')).toBe('');
    expect(format.toolCallDelta(0, '{"id":')).toBe('');
    expect(format.toolCallDelta(1, '5}')).toBe('');
    expect(format.toolCallEnd(1)).toBe('event: tool_call\ndata: {"index":1,"id":"call_b","name":"refund","arguments":"{\\"amount\\":5}"}\n\n');
    expect(format.toolCallDelta(0, '"A-1"}')).toBe('');
    expect(format.toolCallEnd(0)).toBe('event: tool_call\ndata: {"index":0,"id":"call_a","name":"lookup","arguments":"{\\"id\\":\\"A-1\\"}"}\n\n');
    expect(format.toolCallEnd(0)).toBe('');
  });

  it("carries the tool calls in done", () => {
    const done = agentSseFormat('/x', 'r1').done(response);
    expect(done.startsWith('event: done\n')).toBe(true);
    expect(JSON.parse(done.split('data: ')[1]!)).toMatchObject({ finish_reason: 'tool_calls', tool_calls: response.tool_calls });
  });
});
