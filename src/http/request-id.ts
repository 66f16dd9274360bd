import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What we accept from a client: short, printable, no separators that could split a header or a log line. */
const VALID_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** Keeps a valid incoming `X-Request-Id` so a caller's trace continues; otherwise makes one. */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value !== undefined && VALID_REQUEST_ID.test(value) ? value : randomUUID();
}
