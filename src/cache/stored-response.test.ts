import { describe, expect, it } from 'vitest';
import type { AgentResponse } from '../executor/agent-response.js';
import { parseStoredResponse, serializeResponse, servedFromCache, type StoredResponse } from './stored-response.js';

/** An executor's answer, its keys in the order `AgentExecutor` writes them. */
const answer: AgentResponse = {
  request_id: 'req-original',
  agent: { name: 'support', version: '1.0.0' },
  output: 'Hello — “quoted” text\nwith a newline',
  provider: 'openai',
  model: 'gpt-4o-mini',
  usage: { input_tokens: 12, output_tokens: 34, total_tokens: 46 },
  finish_reason: 'stop',
  duration_ms: 812.5,
  fallback_used: false,
  attempts: 2,
  cached: false,
};

/** What `servedFromCache` answered before it built plain entries field by field: the reference. */
function spread(stored: StoredResponse, requestId: string, durationMs: number): AgentResponse {
  return { ...stored, request_id: requestId, duration_ms: durationMs, attempts: 0, cached: true };
}

function entry(text: string): StoredResponse {
  const stored = parseStoredResponse(text);
  if (!stored) throw new Error('unreadable entry');
  return stored;
}

describe('servedFromCache', () => {
  it('serialises a stored answer to the same bytes as the object spread', () => {
    const stored = entry(serializeResponse(answer, 1_700_000_000_000));
    const served = servedFromCache(stored, 'req-2', 1.25);
    expect(JSON.stringify(served)).toBe(JSON.stringify(spread(stored, 'req-2', 1.25)));
    expect(Object.keys(served)).toEqual([
      'agent', 'output', 'provider', 'model', 'usage', 'finish_reason', 'fallback_used', 'request_id', 'duration_ms', 'attempts', 'cached',
    ]);
  });

  it('keeps the tool calls of an answer that asks for them, in the same bytes as the spread', () => {
    const { request_id, agent, output, ...rest } = answer;
    const calls: AgentResponse = { request_id, agent, output: '', tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }], ...rest, finish_reason: 'tool_calls' };
    void output;
    const stored = entry(serializeResponse(calls, 1));
    const served = servedFromCache(stored, 'req-6', 1);
    expect(JSON.stringify(served)).toBe(JSON.stringify(spread(stored, 'req-6', 1)));
    expect(served.tool_calls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    // An entry whose tool calls are not what this version writes is a miss, not a broken answer.
    expect(parseStoredResponse(JSON.stringify({ v: 1, stored_at: 1, response: { ...serializedBody(), tool_calls: [{ id: 1 }] } }))).toBeUndefined();
  });

  it('keeps the extra fields and key order of an entry with fields of its own', () => {
    const text = JSON.stringify({ v: 1, stored_at: 1, response: { note: 'older writer', ...serializedBody(), extra: [1, 2] } });
    const stored = entry(text);
    expect(JSON.stringify(servedFromCache(stored, 'req-3', 2))).toBe(JSON.stringify(spread(stored, 'req-3', 2)));
  });

  it('keeps the key order of an entry written in another order', () => {
    const { agent, ...rest } = serializedBody();
    const stored = entry(JSON.stringify({ v: 1, stored_at: 1, response: { ...rest, agent } }));
    expect(JSON.stringify(servedFromCache(stored, 'req-4', 3))).toBe(JSON.stringify(spread(stored, 'req-4', 3)));
  });

  it('overrides the request fields of a whole response shared by single flight, in place', () => {
    const served = servedFromCache(answer, 'req-5', 4);
    expect(JSON.stringify(served)).toBe(JSON.stringify(spread(answer, 'req-5', 4)));
    expect(Object.keys(served)[0]).toBe('request_id');
    expect(served).toMatchObject({ request_id: 'req-5', duration_ms: 4, attempts: 0, cached: true });
  });
});

function serializedBody(): Record<string, unknown> {
  const parsed: unknown = JSON.parse(serializeResponse(answer, 1));
  return (parsed as { response: Record<string, unknown> }).response;
}
