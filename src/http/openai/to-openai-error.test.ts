import { describe, expect, it } from 'vitest';
import { toHttpProblem } from '../error-handler.js';
import { HttpProblem } from '../problem.js';
import { toOpenAIError } from './to-openai-error.js';
import { ProviderError } from '../../providers/provider-error.js';
import { AgentNotFoundError } from '../../executor/execution-errors.js';
import { BudgetExceededError, BudgetUnavailableError, InputOverRequestBudgetError } from '../../budgets/budget-errors.js';
import { toAnthropicError } from '../anthropic/to-anthropic-error.js';

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

describe('budget refusals', () => {
  const rule = { scope: 'agent', name: 'spec.constraints.cost.maxTokensPerDay', measure: 'tokens', window: 'day', limit: 1000 } as const;

  it('answers an exhausted budget 429 with Retry-After and the budget named, on every surface', () => {
    const problem = toHttpProblem(new BudgetExceededError(rule, 900, 200, 6400));
    expect(problem).toMatchObject({ status: 429, slug: 'budget-exceeded', headers: { 'retry-after': '6400' }, extensions: { budget: 'spec.constraints.cost.maxTokensPerDay', retry_after: 6400 } });
    expect(toOpenAIError(problem).error).toMatchObject({ type: 'tokens', code: 'rate_limit_exceeded', param: null });
    expect(toAnthropicError(problem).error.type).toBe('rate_limit_error');
  });

  it('answers an unreachable store with fail_open false 503 with Retry-After: 1', () => {
    const problem = toHttpProblem(new BudgetUnavailableError());
    expect(problem).toMatchObject({ status: 503, slug: 'budget-unavailable', headers: { 'retry-after': '1' } });
    expect(toOpenAIError(problem).error).toMatchObject({ type: 'server_error', code: 'service_unavailable' });
    expect(toAnthropicError(problem).error.type).toBe('api_error');
  });

  it('answers an input over maxTokensPerRequest 400, as a context length error', () => {
    const problem = toHttpProblem(new InputOverRequestBudgetError('support', 9000, 8000));
    expect(problem).toMatchObject({ status: 400, slug: 'input-too-long', extensions: { estimated_input_tokens: 9000, max_tokens_per_request: 8000 } });
    expect(toOpenAIError(problem).error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' });
    expect(toAnthropicError(problem).error.type).toBe('invalid_request_error');
  });
});
