import type { LoadRequest } from '../requests/load-request.js';
import { header, jsonBody } from '../servers/http-call.js';
import { AVAILABLE, excerpt, unavailable, type ProbeOutcome } from './probe-outcome.js';
import { sendOnce } from './send-once.js';

/**
 * The response cache (issue #4) is active when the same request sent twice comes back the
 * second time with `X-Cache: HIT`. Also primes the cache with the entry the load then hits.
 */
export async function probeCacheHit(origin: string, request: LoadRequest): Promise<ProbeOutcome> {
  const first = await sendOnce(origin, request, 'probe');
  if (first.status !== 200) return unavailable(`the first request answered ${first.status}: ${excerpt(first.body)}`);
  const second = await sendOnce(origin, request, 'probe');
  const cache = header(second, 'x-cache');
  if (second.status === 200 && cache === 'HIT') return AVAILABLE;
  const cached = (jsonBody(second) as { cached?: unknown } | undefined)?.cached;
  return unavailable(
    `a repeated identical request came back with status ${second.status}, X-Cache ${cache ?? 'absent'}, "cached": ${String(cached)}: ` +
      'the response cache (issue #4) is not active in this build',
  );
}
