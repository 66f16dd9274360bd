import { STATUS_CODES } from 'node:http';
import { isRetryableStatus, ProviderError } from '../provider-error.js';
import { isRecord } from './json-values.js';
import { parseRetryAfter, type ResponseHeaders } from './retry-after.js';

// Every message built here is meant for clients: it names the provider and the status or the
// cause, never the key, the prompt or upstream body text (an upstream error body may echo a
// key). The only upstream words allowed in are short error identifiers, see upstreamErrorCode.

/** Statuses Node does not name. */
const EXTRA_STATUS_TEXT: Readonly<Record<number, string>> = { 529: 'Overloaded' };

/**
 * The error for a non-2xx answer: retryable for 408, 409, 429, 5xx (Anthropic's 529 included),
 * unless the upstream says otherwise in `x-should-retry` (both vendors send it, and their
 * own SDKs obey it). `code` is a short identifier from the error body, e.g. `rate_limit_error`.
 *
 * @example
 * httpStatusError('anthropic', 429, { 'retry-after': '2' }, 'rate_limit_error').message
 * // 'anthropic answered 429 Too Many Requests (rate_limit_error)'
 */
export function httpStatusError(provider: string, status: number, headers: ResponseHeaders, code?: string): ProviderError {
  const text = STATUS_CODES[status] ?? EXTRA_STATUS_TEXT[status];
  const message = `${provider} answered ${status}${text ? ` ${text}` : ''}${code ? ` (${code})` : ''}`;
  const shouldRetry = headers['x-should-retry'];
  const retryable = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : isRetryableStatus(status);
  return new ProviderError(message, { provider, kind: 'http', status, retryable, retryAfterMs: parseRetryAfter(headers) });
}

/**
 * A short identifier from an upstream error body (`error.code`, else `error.type`), or
 * `undefined`. Only lower-case snake_case words pass, and never one that occurs in what we
 * sent (`sent`: header values and the request body), compared case-insensitively with `-` and
 * `_` as one, so an upstream that echoes a key, a piece of one or a prompt word in these
 * fields, folded to snake case or not, cannot leak it into a message.
 */
export function upstreamErrorCode(body: unknown, sent: readonly string[]): string | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  for (const candidate of [body.error.code, body.error.type]) {
    if (typeof candidate !== 'string' || !/^[a-z][a-z0-9_]{0,47}$/.test(candidate)) continue;
    if (sent.some((value) => foldCase(value).includes(candidate))) continue;
    return candidate;
  }
  return undefined;
}

/** Lower case with `-` as `_`: how a candidate code (already lower snake case) is looked for in what was sent. */
function foldCase(text: string): string {
  return text.toLowerCase().replace(/-/g, '_');
}

/** The caller's signal fired: never retried, the caller is gone. */
export function abortedError(provider: string, reason: unknown): ProviderError {
  return new ProviderError(`${provider}: request aborted by the caller`, {
    provider,
    kind: 'aborted',
    retryable: false,
    cause: reason,
  });
}

/**
 * The per-attempt timeout elapsed. Retryable, unless the timeout was cut short by the call's
 * overall deadline: another attempt would have no time left either.
 */
export function timeoutError(provider: string, ms: number, byDeadline: boolean, cause?: unknown): ProviderError {
  const message = byDeadline
    ? `${provider}: call deadline reached after ${ms} ms`
    : `${provider}: no answer within ${ms} ms`;
  return new ProviderError(message, { provider, kind: 'timeout', retryable: !byDeadline, cause });
}

/** A 2xx whose body we cannot read: malformed JSON, a wrong shape, a truncated stream. */
export function invalidResponse(provider: string, what: string, cause?: unknown): ProviderError {
  return new ProviderError(`${provider}: invalid response (${what})`, {
    provider,
    kind: 'invalid_response',
    retryable: true,
    cause,
  });
}

/**
 * A 2xx answer larger than `providers.<name>.max_response_bytes`: not retried (the same call
 * would bring the same answer), the body is dropped where it stands.
 */
export function responseTooLarge(provider: string, limit: number): ProviderError {
  return new ProviderError(`${provider}: the answer is larger than ${formatBytes(limit)} (providers.${provider}.max_response_bytes); it was dropped`, {
    provider,
    kind: 'invalid_response',
    retryable: false,
  });
}

/** `32 MiB`, `64 KiB`, `1500 bytes`: a limit as the config would write it. */
function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

/**
 * Classifies an error from the HTTP client. `bodyStarted` is true once a 2xx status line
 * arrived: a connection lost after that is a truncated response, not an unreachable upstream.
 */
export function fromTransportError(provider: string, error: unknown, bodyStarted: boolean): ProviderError {
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new ProviderError(`${provider}: upstream timed out`, { provider, kind: 'timeout', retryable: true, cause: error });
  }
  if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') {
    return new ProviderError(`${provider}: provider is closed`, { provider, kind: 'unavailable', retryable: false, cause: error });
  }
  const what = describeNetworkCode(code);
  if (bodyStarted) return invalidResponse(provider, `truncated: ${what}`, error);
  return new ProviderError(`${provider}: ${what}`, { provider, kind: 'network', retryable: true, cause: error });
}

function describeNetworkCode(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection reset';
    case 'UND_ERR_SOCKET':
      return 'connection closed by upstream';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'DNS lookup failed';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'connect timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return `TLS error (${code})`;
      // Node's error codes are fixed identifiers, safe to show.
      return code !== undefined && /^[A-Z0-9_]{1,40}$/.test(code) ? `network error (${code})` : 'network error';
  }
}

/** `error.code`, looking inside an AggregateError (Happy Eyeballs tries several addresses). */
function errorCode(error: unknown): string | undefined {
  if (!isRecord(error)) return undefined;
  if (typeof error.code === 'string') return error.code;
  if (Array.isArray(error.errors)) return errorCode(error.errors[0]);
  return undefined;
}
