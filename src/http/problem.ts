import type { FastifyReply } from 'fastify';
import { AnswerError } from '../util/answer-error.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/** An RFC 9457 problem document, with the request id so a user can quote it to an operator. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  request_id: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `urn:ossa-gateway:problem:<slug>`: stable identifiers clients can branch on. */
export function problemType(slug: string): string {
  return `urn:ossa-gateway:problem:${slug}`;
}

/** An error that already knows its HTTP answer. Thrown from handlers and hooks. */
export class HttpProblem extends AnswerError {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    /** Response headers; an array is sent as one header line per value (several challenges). */
    readonly headers: Record<string, string | readonly string[]> = {},
  ) {
    super(detail);
  }
}

/** The problem document of `problem`, for the request at `url` (also the body of a stream's `error` event). */
export function problemDocument(problem: HttpProblem, url: string, requestId: string): Problem {
  return {
    type: problemType(problem.slug),
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: url.split('?')[0],
    request_id: requestId,
    ...problem.extensions,
  };
}

export function sendProblem(reply: FastifyReply, problem: HttpProblem): FastifyReply {
  const body = problemDocument(problem, reply.request.url, String(reply.request.id));
  // Also for errors raised before the onRequest hook set it (a URL that does not decode).
  reply.header(REQUEST_ID_HEADER, String(reply.request.id));
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, typeof value === 'string' ? value : [...value]);
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
