import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../problem.js';
import { betaFlagsOf } from './anthropic-beta.js';
import { estimateInputTokens, IMAGE_TOKENS, MESSAGE_TOKENS, TOOL_TOKENS } from '../../budgets/estimate-tokens.js';
import { anthropicErrorType, anthropicStatus, toAnthropicError } from './to-anthropic-error.js';
import { toAnthropicMessage, toAnthropicStopReason, toAnthropicUsage } from './to-anthropic-message.js';
import { toAnthropicModelPage } from './to-anthropic-model.js';

describe('Anthropic answers', () => {
  it('maps finish reasons to stop reasons, stop_sequence only with the sequence', () => {
    expect(['stop', 'length', 'tool_calls', 'content_filter', 'other', 'from-an-old-entry'].map((finish_reason) => toAnthropicStopReason({ finish_reason }))).toEqual(['end_turn', 'max_tokens', 'tool_use', 'refusal', 'end_turn', 'end_turn']);
    expect(toAnthropicStopReason({ finish_reason: 'stop', stop_sequence: '###' })).toBe('stop_sequence');
  });

  it('counts input without the cache, as Anthropic does, and the cache counts only when reported', () => {
    expect(toAnthropicUsage({ input_tokens: 100, output_tokens: 5, total_tokens: 105 })).toEqual({ input_tokens: 100, output_tokens: 5 });
    expect(toAnthropicUsage({ input_tokens: 100, output_tokens: 5, total_tokens: 105, cache_read_input_tokens: 60, cache_creation_input_tokens: 30 })).toEqual({ input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 30, cache_read_input_tokens: 60 });
  });

  it('writes text then tool_use blocks; arguments that are not an object become {}', () => {
    const message = toAnthropicMessage({
      request_id: 'r9', agent: { name: 'm', version: null }, output: 'Calling.', provider: 'p', model: 'x', usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 },
      finish_reason: 'tool_calls', duration_ms: 1, fallback_used: false, attempts: 1, cached: false,
      tool_calls: [{ id: 'c1', name: 'a', arguments: '{"k":[1]}' }, { id: 'c2', name: 'b', arguments: '{"cut' }],
    }, 'my-model');
    expect(message).toEqual({
      id: 'msg_r9', type: 'message', role: 'assistant', model: 'my-model', stop_reason: 'tool_use', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 },
      content: [{ type: 'text', text: 'Calling.' }, { type: 'tool_use', id: 'c1', name: 'a', input: { k: [1] } }, { type: 'tool_use', id: 'c2', name: 'b', input: {} }],
    });
  });
});

describe("Anthropic's errors", () => {
  it('types each status as Anthropic does, and makes an unavailable provider a 529 overloaded_error', () => {
    expect([400, 401, 403, 404, 405, 413, 415, 422, 429, 500, 502, 503, 504, 529].map(anthropicErrorType)).toEqual([
      'invalid_request_error', 'authentication_error', 'permission_error', 'not_found_error', 'invalid_request_error', 'request_too_large', 'invalid_request_error',
      'invalid_request_error', 'rate_limit_error', 'api_error', 'api_error', 'api_error', 'timeout_error', 'overloaded_error',
    ]);
    const unavailable = new HttpProblem(503, 'provider-unavailable', 'Provider unavailable', 'every provider failed');
    expect(anthropicStatus(unavailable)).toBe(529);
    expect(toAnthropicError(unavailable, 'r1')).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'every provider failed' }, request_id: 'r1' });
    expect(anthropicStatus(new HttpProblem(503, 'rate-limit-unavailable', 't', 'd'))).toBe(503);
  });

  it("names a schema violation's field as Anthropic does, without the body. prefix", () => {
    const problem = new HttpProblem(400, 'invalid-request', 'Invalid request', 'body.max_tokens is required; unknown field "x" in body');
    expect(toAnthropicError(problem).error.message).toBe('max_tokens is required; unknown field "x"');
  });
});

describe('anthropic-beta', () => {
  it('splits flags, keeps one of each, and withholds the oauth flags', () => {
    expect(betaFlagsOf(['claude-code-20250219, oauth-2025-04-20', 'claude-code-20250219,context-1m-2025-08-07'])).toEqual({ forward: ['claude-code-20250219', 'context-1m-2025-08-07'], withheld: ['oauth-2025-04-20'] });
    expect(betaFlagsOf(undefined)).toEqual({ forward: [], withheld: [] });
    expect(() => betaFlagsOf('a\u0000b')).toThrow(/is not a beta flag/);
    expect(() => betaFlagsOf(Array.from({ length: 33 }, (_, i) => `f${i}`).join(','))).toThrow(/at most 32/);
  });
});

describe('estimateInputTokens', () => {
  it('counts 4 ASCII characters a token, other characters one each, images, messages and tools at fixed costs', () => {
    expect(estimateInputTokens({ history: [], input: 'abcdefgh', tools: [] })).toBe(2 + MESSAGE_TOKENS);
    expect(estimateInputTokens({ history: [], input: '日本語', tools: [] })).toBe(3 + MESSAGE_TOKENS);
    expect(estimateInputTokens({ system: [{ type: 'text', text: 'abcd' }], history: [{ role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://x' } }] }], input: '', tools: [] })).toBe(1 + IMAGE_TOKENS + MESSAGE_TOKENS);
    const tool = { name: 'abcd', parameters: { type: 'object' } };
    expect(estimateInputTokens({ history: [], input: 'abcd', tools: [tool] })).toBe(Math.ceil((4 + 4 + JSON.stringify(tool.parameters).length) / 4) + MESSAGE_TOKENS + TOOL_TOKENS);
  });
});

describe('toAnthropicModelPage', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  const at = '2025-01-01T00:00:00Z';
  const page = (query: Parameters<typeof toAnthropicModelPage>[2]) => {
    const p = toAnthropicModelPage(ids, at, query);
    return { ids: p.data.map((m) => m.id), has_more: p.has_more, first: p.first_id, last: p.last_id };
  };

  it('pages forward with after_id and back with before_id', () => {
    expect(page({ limit: '2' })).toEqual({ ids: ['a', 'b'], has_more: true, first: 'a', last: 'b' });
    expect(page({ limit: '2', after_id: 'b' })).toEqual({ ids: ['c', 'd'], has_more: true, first: 'c', last: 'd' });
    expect(page({ limit: '2', after_id: 'd' })).toEqual({ ids: ['e'], has_more: false, first: 'e', last: 'e' });
    expect(page({ limit: '2', before_id: 'd' })).toEqual({ ids: ['b', 'c'], has_more: true, first: 'b', last: 'c' });
    expect(page({ limit: '5', before_id: 'c' })).toEqual({ ids: ['a', 'b'], has_more: false, first: 'a', last: 'b' });
    expect(page({ after_id: 'zz' })).toEqual({ ids: [], has_more: false, first: null, last: null });
    expect(page({})).toEqual({ ids, has_more: false, first: 'a', last: 'e' });
  });
});
