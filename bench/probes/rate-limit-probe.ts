import type { LoadRequest } from '../requests/load-request.js';
import { AVAILABLE, unavailable, type ProbeOutcome } from './probe-outcome.js';
import { sendOnce } from './send-once.js';

/**
 * The rate limiter (issue #4) is active when, with a user limit of 1 per hour, one of the first
 * few requests is answered 429. After it passes, the bucket is empty: the load gets 429s only.
 */
export async function probeRateLimit(origin: string, request: LoadRequest, attempts = 5): Promise<ProbeOutcome> {
  const statuses: number[] = [];
  for (let i = 0; i < attempts; i++) {
    const answer = await sendOnce(origin, request, `probe-${i}`);
    statuses.push(answer.status);
    if (answer.status === 429) return AVAILABLE;
  }
  return unavailable(`${attempts} requests with a user limit of 1 per hour got ${statuses.join(', ')} and no 429: the rate limiter (issue #4) is not active in this build`);
}
