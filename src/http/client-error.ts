import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { HttpProblem, PROBLEM_CONTENT_TYPE, problemDocument } from './problem.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/** The raw answer to a request Node's HTTP parser refused: status line, headers, problem+json body. */
export function clientErrorResponse(code: string | undefined, requestId: string): string {
  const problem =
    code === 'HPE_HEADER_OVERFLOW'
      ? new HttpProblem(431, 'headers-too-large', 'Request headers too large', 'the request line and headers are larger than the server accepts')
      : code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new HttpProblem(408, 'request-timeout', 'Request timeout', 'the request was not received in time')
        : new HttpProblem(400, 'malformed-request', 'Malformed request', 'the request is not valid HTTP/1.1 (request line, headers, Content-Length or chunked encoding)');
  // The URL never parsed, so the problem has no instance.
  const { instance: _instance, ...document } = problemDocument(problem, '', requestId);
  const body = JSON.stringify(document);
  return [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `${REQUEST_ID_HEADER}: ${requestId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Fastify's `clientErrorHandler`: requests the HTTP parser refuses (a bad Content-Length,
 * chunked garbage, headers over the limit) never reach a route, and Fastify's default answers
 * them in its own JSON shape without a request id. Ours is problem+json like every other error.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) socket.write(clientErrorResponse(error.code, randomUUID()));
  socket.destroy(error);
}
