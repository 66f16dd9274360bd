import { describe, expect, it } from 'vitest';
import { toHttpProblem } from '../error-handler.js';
import { HttpProblem } from '../problem.js';
import { toOpenAIError } from './to-openai-error.js';
import { ProviderError } from '../../providers/provider-error.js';
import { AgentNotFoundError } from '../../executor/execution-errors.js';

describe('toOpenAIError', () => {
  it('gives each problem the type and code OpenAI clients know', () => {
    const cases: [HttpProblem, Record<string, unknown>][] = [
      [new HttpProblem(401, 'unauthorized', 'Unauthorized', 'the API key is not valid'), { type: 'invalid_request_error', code: 'invalid_api_key', param: null }],
      [toHttpProblem(new AgentNotFoundError('suport'), () => ['support']), { type: 'invalid_request_error', code: 'model_not_found', param: 'model', message: 'no agent named "suport"; did you mean "support"?' }],
      [new HttpProblem(403, 'agent-forbidden', 'Agent not allowed', 'no'), { code: 'model_not_allowed', param: 'model' }],
      [new HttpProblem(429, 'rate-limited', 'Too many requests', 'slow down'), { type: 'requests', code: 'rate_limit_exceeded' }],
      [toHttpProblem(new ProviderError('claude answered 503', { provider: 'claude', kind: 'http', status: 503, retryable: true })), { type: 'server_error', code: 'service_unavailable' }],
      [toHttpProblem(new ProviderError('claude answered 400', { provider: 'claude', kind: 'http', status: 400, retryable: false })), { type: 'server_error', code: 'upstream_error' }],
      [toHttpProblem(new Error('boom')), { type: 'server_error', code: null, param: null, message: 'an unexpected error occurred; quote the request_id to an operator' }],
    ];
    for (const [problem, expected] of cases) expect(toOpenAIError(problem).error, problem.slug).toMatchObject(expected);
  });

  it('names the parameter of a validation error the way OpenAI does', () => {
    const validation = (field: string) => new HttpProblem(400, 'invalid-request', 'Invalid request', 'bad', { errors: [{ field, message: 'bad' }] });
    expect(toOpenAIError(validation('body.messages.0.role')).error.param).toBe('messages[0].role');
    expect(toOpenAIError(validation('body.temperature')).error.param).toBe('temperature');
    expect(toOpenAIError(validation('body')).error.param).toBeNull();
    expect(toOpenAIError(new HttpProblem(400, 'invalid-request', 'Invalid request', 'n: no', { param: 'n' })).error).toEqual({ message: 'n: no', type: 'invalid_request_error', param: 'n', code: null });
  });
});
