import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { BudgetExceededError, BudgetUnavailableError, InputOverRequestBudgetError } from '../budgets/budget-errors.js';
import { suggest } from '../config/did-you-mean.js';
import { AgentNotExecutableError, AgentNotFoundError } from '../executor/execution-errors.js';
import { ProviderError } from '../providers/provider-error.js';
import { RateLimitExceededError, RateLimitUnavailableError } from '../rate-limit/rate-limit-errors.js';
import { AllProvidersFailedError } from '../resilience/all-providers-failed-error.js';
import { PiiDetectedError } from '../safety/pii/pii-detected-error.js';
import { MAX_JSON_DEPTH } from './json-depth.js';
import { HttpProblem, sendProblem } from './problem.js';

interface ValidationIssue {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** Translates any error into the problem+json answer a client can act on. */
export function toHttpProblem(error: unknown, agentNames: () => readonly string[] = () => []): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof AgentNotFoundError) {
    const hint = suggest(error.agentName, agentNames());
    return new HttpProblem(404, 'agent-not-found', 'Agent not found', `${error.message}${hint ? `; did you mean "${hint}"?` : ''}`, { agent: error.agentName });
  }
  if (error instanceof AgentNotExecutableError) {
    return new HttpProblem(422, 'agent-not-executable', 'Agent cannot be executed', error.message, { agent: error.agentName });
  }
  if (error instanceof PiiDetectedError) {
    // The types found, never a value: the client knows what it sent.
    return new HttpProblem(422, 'pii-detected', 'Personal data refused', error.message, { agent: error.agentName, pii_types: error.types });
  }
  if (error instanceof RateLimitExceededError) {
    const retryAfter = String(error.retryAfterSeconds);
    return new HttpProblem(429, 'rate-limited', 'Too many requests', error.message, { limit: error.scope, retry_after: error.retryAfterSeconds }, { 'retry-after': retryAfter });
  }
  if (error instanceof RateLimitUnavailableError) {
    return new HttpProblem(503, 'rate-limit-unavailable', 'Rate limiter unavailable', error.message, {}, { 'retry-after': '1' });
  }
  if (error instanceof BudgetExceededError) {
    const retryAfter = String(error.retryAfterSeconds);
    return new HttpProblem(429, 'budget-exceeded', 'Budget exceeded', error.message, { budget: error.rule.name, retry_after: error.retryAfterSeconds }, { 'retry-after': retryAfter });
  }
  if (error instanceof BudgetUnavailableError) {
    return new HttpProblem(503, 'budget-unavailable', 'Budgets unavailable', error.message, {}, { 'retry-after': '1' });
  }
  if (error instanceof InputOverRequestBudgetError) {
    return new HttpProblem(400, 'input-too-long', 'Input too long', error.message, { budget: 'spec.constraints.cost.maxTokensPerRequest', estimated_input_tokens: error.estimatedInputTokens, max_tokens_per_request: error.maxTokensPerRequest });
  }
  if (error instanceof ProviderError) return providerProblem(error);

  const fastifyError = error as Partial<FastifyError> & { validation?: ValidationIssue[]; validationContext?: string };
  if (Array.isArray(fastifyError.validation)) {
    const issues = fastifyError.validation.map((issue) => describeValidationIssue(issue, fastifyError.validationContext ?? 'body'));
    return new HttpProblem(400, 'invalid-request', 'Invalid request', issues.map((i) => i.message).join('; '), { errors: issues });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpProblem(400, 'malformed-json', 'Malformed JSON', 'the request body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpProblem(400, 'malformed-json', 'Malformed JSON', 'the request body is empty; expected a JSON object');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem(413, 'payload-too-large', 'Payload too large', 'the request body is larger than server.body_limit allows');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(415, 'unsupported-media-type', 'Unsupported media type', 'send the request body as application/json');
    case 'FST_ERR_BAD_URL':
      return new HttpProblem(400, 'bad-url', 'Bad URL', 'the URL path does not decode (a malformed %-escape)');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HttpProblem(414, 'uri-too-long', 'URI too long', 'a path segment is longer than 100 characters');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpProblem(400, 'invalid-request', 'Invalid request', 'Content-Length does not match the body');
    default:
      break;
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpProblem(status, 'bad-request', 'Bad request', safeMessage(fastifyError.message));
  }
  return new HttpProblem(500, 'internal-error', 'Internal error', 'an unexpected error occurred; quote the request_id to an operator');
}

/** An upstream that cannot answer now (503, worth retrying) versus one that refused the call (502). */
function providerProblem(error: ProviderError): HttpProblem {
  const temporary = error.retryable || error.kind === 'unavailable' || error.kind === 'timeout';
  const headers: Record<string, string> = {};
  if (temporary && error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  const extensions: Record<string, unknown> = { provider: error.provider };
  if (error instanceof AllProvidersFailedError) {
    extensions['providers_tried'] = error.attemptsByProvider;
    extensions['attempts'] = error.attempts;
  }
  return temporary
    ? new HttpProblem(503, 'provider-unavailable', 'Provider unavailable', error.message, extensions, headers)
    : new HttpProblem(502, 'provider-error', 'Provider error', error.message, extensions, headers);
}

function describeValidationIssue(issue: ValidationIssue, context: string): { field: string; message: string } {
  const base = `${context}${issue.instancePath.replace(/\//g, '.')}`;
  switch (issue.keyword) {
    case 'additionalProperties':
      return { field: `${base}.${String(issue.params['additionalProperty'])}`, message: `unknown field "${String(issue.params['additionalProperty'])}" in ${base}` };
    case 'required':
      return { field: `${base}.${String(issue.params['missingProperty'])}`, message: `${base}.${String(issue.params['missingProperty'])} is required` };
    case 'type':
      return { field: base, message: `${base} must be ${article(String(issue.params['type']))}` };
    case 'enum':
      return { field: base, message: `${base} must be one of ${(issue.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'maxDepth':
      return { field: base, message: `${base} is nested more than ${MAX_JSON_DEPTH} levels deep` };
    default:
      return { field: base, message: `${base} ${issue.message ?? 'is invalid'}` };
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Fastify's own messages are safe, but keep them to one short line. */
function safeMessage(message: string | undefined): string {
  return (message ?? 'bad request').split('\n')[0]!.slice(0, 200);
}

/** The Fastify error handler: logs what is ours to fix, answers problem+json always. */
export function handleError(this: unknown, error: unknown, request: FastifyRequest, reply: FastifyReply, agentNames: () => readonly string[]): FastifyReply {
  const problem = toHttpProblem(error, agentNames);
  // Only a bug is logged here: a deliberate 5xx (the rate limiter refusing while Redis is down,
  // a provider failure) is logged once by whoever decided it. Logging each of those too wrote
  // an error line with a stack per 503 during an outage (the chaos suite's fail-closed run).
  if (problem.slug === 'internal-error') {
    request.log.error({ err: error }, 'unhandled error');
  }
  return sendProblem(reply, problem);
}
