import { probeCacheHit } from '../probes/cache-hit-probe.js';
import { gatewayExecuteRequest } from '../requests/bench-requests.js';
import { BASELINE_ROW, measureBaseline } from './baseline-rows.js';
import { runStoreVariants } from './run-store-variants.js';
import { addTable, type Scenario } from './scenario.js';

/** Scenario 4: one input, asked again and again: every request after the first is a cache hit. */
export const cacheHitScenario: Scenario = {
  id: 'cache-hit',
  describe: () => ({
    title: 'Scenario 4: cache hit (memory and Redis stores)',
    method:
      'wrk at c16 and c64 sending one fixed input through the full pipeline (auth and rate limiter included), after a probe that ' +
      'stores the answer and checks the repeat comes back with X-Cache: HIT. The mock counter must stay at 0 during the window. ' +
      'The Redis row keeps both the cache and the rate limiter on Redis. ' +
      'The Map row (bench/baselines/map-route.ts, on the gateway\'s core) is the floor of issue #12: a bare Fastify route that parses the body and answers the stored entry from a Map, with no layers.',
  }),
  async run(ctx, result) {
    await ctx.mock.configure({ delayMs: 0, chunkDelayMs: 0 });
    const rows = addTable(result, { title: 'Cache hits through the full pipeline', kind: 'closed' });
    const request = gatewayExecuteRequest({ unique: false });
    await measureBaseline(ctx, result, rows, { row: BASELINE_ROW.map, kind: 'map-cache-hit', request, upstream: 'none', countStatuses: true, probe: (origin) => probeCacheHit(origin, request) });
    await runStoreVariants(ctx, result, rows, { name: 'cache-hit', request, upstream: 'none', probe: (origin) => probeCacheHit(origin, request) });
  },
};
