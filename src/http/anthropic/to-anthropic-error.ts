import type { FastifyReply } from 'fastify';
import type { HttpProblem } from '../problem.js';
import type { AnthropicErrorBody, AnthropicErrorType } from './anthropic-types.js';

/**
 * The status a problem is answered with on the Anthropic surface: its own, except that a
 * provider that cannot answer now (`provider-unavailable`, a 503 elsewhere) is Anthropic's 529
 * `overloaded_error`, which the Anthropic SDKs and Claude Code retry after a pause.
 */
export function anthropicStatus(problem: HttpProblem): number {
  return problem.slug === 'provider-unavailable' ? 529 : problem.status;
}

/** Anthropic's error `type` for a status, as its API documents them. */
export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 408:
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/**
 * A problem in Anthropic's error shape, `{"type": "error", "error": {"type", "message"},
 * "request_id"}`: the message is the problem's `detail` (the field named first for a 400; a
 * schema violation's `body.` prefix dropped, as Anthropic names fields: `max_tokens: ...`).
 */
export function toAnthropicError(problem: HttpProblem, requestId?: string): AnthropicErrorBody {
  const message = problem.slug === 'invalid-request' ? problem.detail.replace(/\bbody\./g, '').replace(/ in body\b/g, '') : problem.detail;
  return { type: 'error', error: { type: anthropicErrorType(anthropicStatus(problem)), message }, ...(requestId === undefined ? {} : { request_id: requestId }) };
}

/** Answers with `problem` in Anthropic's error shape, with the problem's headers (`Retry-After`, `WWW-Authenticate`) and `request-id`. */
export function sendAnthropicError(reply: FastifyReply, problem: HttpProblem): FastifyReply {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, typeof value === 'string' ? value : [...value]);
  const requestId = String(reply.request.id);
  reply.header('request-id', requestId);
  // Every provider refused the call (their 4xx): asking again gets the same answer. The SDKs retry any 5xx unless told not to.
  if (problem.slug === 'provider-error') reply.header('x-should-retry', 'false');
  return reply.code(anthropicStatus(problem)).type('application/json; charset=utf-8').send(JSON.stringify(toAnthropicError(problem, requestId)));
}
