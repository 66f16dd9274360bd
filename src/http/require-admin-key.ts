import type { FastifyRequest } from 'fastify';
import { matchesAny } from '../secrets/constant-time-equal.js';
import type { AdminAccess } from '../secrets/admin-access.js';
import { HttpProblem } from './problem.js';
import { requestCredential } from './request-credential.js';

/** A Fastify `onRequest` hook that lets a request through or throws an `HttpProblem`. */
export type RequestGuard = (request: FastifyRequest) => Promise<void>;

/** Browsers show their login prompt for this challenge; API clients send a bearer key. */
const CHALLENGE = { 'www-authenticate': 'Basic realm="ossa-gateway admin", charset="UTF-8"' };

/**
 * Guards admin routes (the status page): when admin access is required (`security.clients`
 * is configured), a request must present one of `security.admin_keys` as a bearer key or as
 * the Basic password, compared in constant time; anything else is a 401 problem with a Basic
 * challenge, so a browser asks for the key. Open when no clients are configured.
 *
 * The auth layer (issue 4) brings its own admin guard: this function is the one place to
 * point at it once that lands.
 */
export function requireAdminKey(access: AdminAccess): RequestGuard {
  if (!access.required) return async () => {};
  const keys = access.keys.map((key) => key.reveal());
  return async (request) => {
    const presented = requestCredential(request);
    if (presented === undefined) {
      throw new HttpProblem(401, 'unauthorized', 'Unauthorized', 'this route needs an admin key: send Authorization: Bearer <key>', {}, CHALLENGE);
    }
    if (!matchesAny(presented, keys)) {
      throw new HttpProblem(401, 'unauthorized', 'Unauthorized', 'the admin key is not valid', {}, CHALLENGE);
    }
  };
}
