import type { FastifyRequest } from 'fastify';

/** A key as a request presents it, and how. */
export interface PresentedCredential {
  /**
   * `bearer`: `Authorization: Bearer <key>`; `api-key`: an `x-api-key` or `api-key` header (what
   * the Anthropic SDKs and Azure OpenAI clients send); `basic`: the password of HTTP Basic.
   */
  readonly scheme: 'bearer' | 'api-key' | 'basic';
  readonly key: string;
}

/**
 * The credential a request presents, in this order: `Authorization: Bearer <key>`, an
 * `x-api-key` header, an `api-key` header, HTTP Basic with the key as the password (the user
 * name is ignored), which is what a browser sends after its login prompt, so an operator can
 * open the status page without a tool. Basic comes last so that a proxy's own Basic
 * credentials in front of the gateway do not hide the key in `x-api-key`. Undefined for no
 * such header, another scheme, or an empty key.
 */
export function requestCredential(request: FastifyRequest): PresentedCredential | undefined {
  const header = request.headers.authorization;
  const authorization = header === undefined ? undefined : fromAuthorization(header);
  if (authorization?.scheme === 'bearer') return authorization;
  const headerKey = apiKeyHeader(request.headers['x-api-key']) ?? apiKeyHeader(request.headers['api-key']);
  if (headerKey !== undefined) return { scheme: 'api-key', key: headerKey };
  return authorization;
}

function fromAuthorization(header: string): PresentedCredential | undefined {
  const match = /^(\S+)[ \t]+(\S.*)$/.exec(header.trim());
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!.trim();
  if (scheme === 'bearer') return { scheme, key: value };
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    return password === '' ? undefined : { scheme, key: password };
  }
  return undefined;
}

/** A key header's value: the first, trimmed; an empty one is none. */
function apiKeyHeader(value: string | string[] | undefined): string | undefined {
  const key = (Array.isArray(value) ? value[0] : value)?.trim();
  return key === undefined || key === '' ? undefined : key;
}
