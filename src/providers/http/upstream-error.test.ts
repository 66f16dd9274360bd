import { describe, expect, it } from 'vitest';
import { fromTransportError, httpStatusError, upstreamErrorCode } from './upstream-error.js';

function codeError(code: string): Error {
  return Object.assign(new Error(`boom ${code}`), { code });
}

describe('fromTransportError', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset'],
    ['UND_ERR_SOCKET', 'connection closed by upstream'],
    ['ENOTFOUND', 'DNS lookup failed'],
    ['EAI_AGAIN', 'DNS lookup failed'],
    ['UND_ERR_CONNECT_TIMEOUT', 'connect timed out'],
    ['EHOSTUNREACH', 'host unreachable'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS error (ERR_TLS_CERT_ALTNAME_INVALID)'],
    ['EWHATEVER', 'network error (EWHATEVER)'],
  ])('maps %s to a retryable network error', (code, what) => {
    expect(fromTransportError('p', codeError(code), false)).toMatchObject({ kind: 'network', retryable: true, message: `p: ${what}` });
  });

  it('looks inside an AggregateError (several addresses tried)', () => {
    const error = new AggregateError([codeError('ECONNREFUSED'), codeError('ECONNREFUSED')], 'all failed');
    expect(fromTransportError('p', error, false).message).toBe('p: connection refused');
  });

  it('calls a connection lost after a 2xx status line a truncated response', () => {
    expect(fromTransportError('p', codeError('UND_ERR_SOCKET'), true)).toMatchObject({ kind: 'invalid_response', retryable: true });
  });

  it("maps undici's own timeouts to timeout and a closed pool to unavailable", () => {
    expect(fromTransportError('p', codeError('UND_ERR_HEADERS_TIMEOUT'), false)).toMatchObject({ kind: 'timeout', retryable: true });
    expect(fromTransportError('p', codeError('UND_ERR_DESTROYED'), false)).toMatchObject({ kind: 'unavailable', retryable: false });
  });

  it('keeps the original error as cause, not in the message', () => {
    const cause = codeError('ECONNRESET');
    const error = fromTransportError('p', cause, false);
    expect(error.cause).toBe(cause);
    expect(error.message).not.toContain('boom');
  });
});

describe('httpStatusError', () => {
  it('names the provider, status, status text and code', () => {
    expect(httpStatusError('anthropic', 529, {}, 'overloaded_error').message).toBe('anthropic answered 529 Overloaded (overloaded_error)');
    expect(httpStatusError('x', 599, {}).message).toBe('x answered 599');
  });

  it('lets x-should-retry override the status rule', () => {
    expect(httpStatusError('p', 400, { 'x-should-retry': 'true' }).retryable).toBe(true);
    expect(httpStatusError('p', 503, { 'x-should-retry': 'false' }).retryable).toBe(false);
  });
});

describe('upstreamErrorCode', () => {
  it('prefers error.code, then error.type', () => {
    expect(upstreamErrorCode({ error: { type: 'requests', code: 'rate_limit_exceeded' } }, [])).toBe('rate_limit_exceeded');
    expect(upstreamErrorCode({ type: 'error', error: { type: 'overloaded_error' } }, [])).toBe('overloaded_error');
  });

  it('refuses anything but a short snake_case identifier', () => {
    expect(upstreamErrorCode({ error: { code: 'sk-ant-api03-abc', type: 'Bad Thing happened' } }, [])).toBeUndefined();
    expect(upstreamErrorCode({ error: { code: 'x'.repeat(60) } }, [])).toBeUndefined();
    expect(upstreamErrorCode('nope', [])).toBeUndefined();
  });

  it('refuses an identifier that occurs in what was sent', () => {
    expect(upstreamErrorCode({ error: { code: 'mysecret', type: 'server_error' } }, ['Bearer mysecret'])).toBe('server_error');
  });

  it('refuses a piece of what was sent folded to snake case (a key cut and lower-cased)', () => {
    const sent = ['Bearer sk-ant-api03-CHAOSanthropicSECRET7f3a9c1e5b2d8f4a6c0e9b7d5f3a1c8e'];
    expect(upstreamErrorCode({ error: { code: 'sk_ant_api03_chaosanthropicsecret7f3a9c1e5b2d8f4', type: 'server_error' } }, sent)).toBe('server_error');
    expect(upstreamErrorCode({ error: { code: 'chaosanthropic' } }, sent)).toBeUndefined();
  });
});
