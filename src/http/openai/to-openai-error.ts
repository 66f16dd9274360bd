import type { FastifyReply } from 'fastify';
import type { HttpProblem } from '../problem.js';
import type { OpenAIErrorBody } from './openai-types.js';

/** OpenAI's `type` and `code` for each of the gateway's problems (by slug); `param` where one field is at fault. */
function classify(problem: HttpProblem): { type: string; code: string | null; param: string | null } {
  switch (problem.slug) {
    case 'unauthorized':
      return { type: 'invalid_request_error', code: 'invalid_api_key', param: null };
    case 'agent-forbidden':
      return { type: 'invalid_request_error', code: 'model_not_allowed', param: 'model' };
    case 'agent-not-found':
      return { type: 'invalid_request_error', code: 'model_not_found', param: 'model' };
    case 'agent-not-executable':
      return { type: 'invalid_request_error', code: 'model_not_available', param: 'model' };
    case 'pii-detected':
      return { type: 'invalid_request_error', code: 'pii_detected', param: null };
    case 'rate-limited':
      // What OpenAI itself answers for a request-rate limit.
      return { type: 'requests', code: 'rate_limit_exceeded', param: null };
    case 'budget-exceeded':
      // What OpenAI answers for a token-rate limit; `param` names no field of the request.
      return { type: 'tokens', code: 'rate_limit_exceeded', param: null };
    case 'input-too-long':
      return { type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' };
    case 'provider-unavailable':
    case 'rate-limit-unavailable':
    case 'budget-unavailable':
      return { type: 'server_error', code: 'service_unavailable', param: null };
    case 'provider-error':
      return { type: 'server_error', code: 'upstream_error', param: null };
    default:
      return problem.status >= 500
        ? { type: 'server_error', code: null, param: null }
        : { type: 'invalid_request_error', code: null, param: paramOf(problem) };
  }
}

/**
 * A problem in OpenAI's error shape, `{"error": {"message", "type", "param", "code"}}`: the
 * same status and message the native API gives, with the types and codes OpenAI's SDKs and
 * clients know (`invalid_api_key`, `model_not_found`, `rate_limit_exceeded`, ...).
 */
export function toOpenAIError(problem: HttpProblem): OpenAIErrorBody {
  const { type, code, param } = classify(problem);
  return { error: { message: problem.detail, type, param, code } };
}

/** Answers with `problem` in OpenAI's error shape, with the problem's headers (`Retry-After`, `WWW-Authenticate`). */
export function sendOpenAIError(reply: FastifyReply, problem: HttpProblem): FastifyReply {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  return reply.code(problem.status).type('application/json; charset=utf-8').send(JSON.stringify(toOpenAIError(problem)));
}

/** The request field at fault: the `param` a check named, or the first invalid field of a validation error (`messages[0].role`). */
function paramOf(problem: HttpProblem): string | null {
  const named = problem.extensions['param'];
  if (typeof named === 'string') return named;
  const errors = problem.extensions['errors'];
  const field = Array.isArray(errors) ? (errors[0] as { field?: unknown } | undefined)?.field : undefined;
  if (typeof field !== 'string') return null;
  const path = field.replace(/^body\.?/, '').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  return path === '' ? null : path;
}
