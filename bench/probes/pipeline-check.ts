import type { LoadRequest } from '../requests/load-request.js';
import { excerpt } from './probe-outcome.js';
import { sendOnce } from './send-once.js';

/**
 * One request that must succeed before a target is measured: a target that answers errors
 * would be measured at the speed of its error path. A failure here is a broken setup (or a
 * broken gateway), so it throws instead of skipping.
 */
export async function assertAnswers(name: string, origin: string, request: LoadRequest, n: string): Promise<void> {
  const answer = await sendOnce(origin, request, n);
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`bench: ${name} answered ${answer.status} to the benchmark request: ${excerpt(answer.body, 400)}`);
  }
}
