import { probeRateLimit } from '../probes/rate-limit-probe.js';
import { gatewayExecuteRequest } from '../requests/bench-requests.js';
import { BASELINE_ROW, measureBaseline } from './baseline-rows.js';
import { runStoreVariants } from './run-store-variants.js';
import { addTable, type Scenario } from './scenario.js';

/** Scenario 5: a client over its limit; every request is answered 429 before the cache and the executor. */
export const rateLimitScenario: Scenario = {
  id: 'rate-limit',
  describe: () => ({
    title: 'Scenario 5: 429 rejection (memory and Redis stores)',
    method:
      'The full pipeline with the user limit at 1 per hour: after the probe spends that one token, wrk at c16 and c64 gets ' +
      'only 429s (counted), which must not reach the mock. The Redis row keeps both the rate limiter and the cache on Redis. ' +
      'The Map row (bench/baselines/map-route.ts, on the gateway\'s core) is the floor of issue #12: a bare Fastify route that parses the body, ' +
      'finds the client\'s spent window in a Map and answers 429 with Retry-After and RateLimit-* fields, with no layers.',
  }),
  async run(ctx, result) {
    await ctx.mock.configure({ delayMs: 0, chunkDelayMs: 0 });
    const rows = addTable(result, { title: '429 answers through the full pipeline', kind: 'closed' });
    // Unique inputs: a request the limiter wrongly admitted would reach the mock and show.
    const request = gatewayExecuteRequest({ unique: true });
    await measureBaseline(ctx, result, rows, { row: BASELINE_ROW.map, kind: 'map-rate-limit', request, upstream: 'none', countStatuses: true, probe: (origin) => probeRateLimit(origin, request) });
    await runStoreVariants(ctx, result, rows, {
      name: 'rate-limit',
      request,
      env: { BENCH_USER_LIMIT: '1', BENCH_USER_INTERVAL: '1 hour' },
      upstream: 'none',
      probe: (origin) => probeRateLimit(origin, request),
    });
  },
};
