import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented credential with an expected one in time that depends on neither's
 * content nor length: both are hashed to 32 bytes first, then compared with
 * `timingSafeEqual`. Use it for every key, token and password check.
 */
export function constantTimeEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** True when `presented` equals any of `expected`; every candidate is compared, whichever matches. */
export function matchesAny(presented: string, expected: readonly string[]): boolean {
  let found = false;
  for (const candidate of expected) found = constantTimeEqual(presented, candidate) || found;
  return found;
}
