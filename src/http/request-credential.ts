import type { FastifyRequest } from 'fastify';

/**
 * The credential a request presents: `Authorization: Bearer <key>`, or HTTP Basic with the
 * key as the password (the user name is ignored), which is what a browser sends after its
 * login prompt, so an operator can open the status page without a tool.
 */
export function requestCredential(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const space = header.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (value === '') return undefined;
  if (scheme === 'bearer') return value;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1) || undefined;
  }
  return undefined;
}
