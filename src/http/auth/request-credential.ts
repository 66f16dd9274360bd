import type { FastifyRequest } from 'fastify';

/** A key as a request presents it, and how. */
export interface PresentedCredential {
  /** `bearer`: `Authorization: Bearer <key>`; `basic`: the password of HTTP Basic. */
  readonly scheme: 'bearer' | 'basic';
  readonly key: string;
}

/**
 * The credential a request presents: `Authorization: Bearer <key>`, or HTTP Basic with the
 * key as the password (the user name is ignored), which is what a browser sends after its
 * login prompt, so an operator can open the status page without a tool. Undefined for no
 * header, another scheme, or an empty key.
 */
export function requestCredential(request: FastifyRequest): PresentedCredential | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
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
