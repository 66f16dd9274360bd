import { measureClosedLoop } from '../measure/closed-loop.js';
import { assertAnswers } from '../probes/pipeline-check.js';
import { gatewayExecuteRequest } from '../requests/bench-requests.js';
import { startGateway } from '../servers/gateway-server.js';
import { addTable, skip, withServer, type Scenario } from './scenario.js';
import { storeVariants } from './store-variants.js';

/** The one concurrency of the target. */
const CONCURRENCY = 64;

/**
 * Every core: the cache-miss request at c64 through one gateway process (pinned to the server
 * core, as everywhere) and through `serve --workers 2` (not pinned: the workers may use every
 * core). Both on Redis, the store a cluster needs: `serve` refuses memory-backed limits with
 * more than one worker, and one process on the same store makes the ratio about the cores alone.
 */
export const workersScenario: Scenario = {
  id: 'workers',
  describe: () => ({
    title: 'Every core: cache miss at c64, one process vs serve --workers 2',
    method:
      `wrk at c${CONCURRENCY}, every input unique (every request a cache miss reaching the mock at 0 ms), the full pipeline of bench/configs/full-pipeline.yaml ` +
      'with the rate limiter and the cache on Redis (what --workers requires), once with one process pinned to the server core and once with ' +
      '`--workers 2`, unpinned. The target compares their req/s (≥ 1.7×). On a two-core machine the workers share a core with the mock and wrk; ' +
      "the CPU and RSS columns of the 2-worker row are the primary's alone (the workers are its children).",
  }),
  async run(ctx, result) {
    const { env } = ctx;
    const redis = storeVariants(ctx).find((variant) => variant.store === 'redis')!;
    const down = await ctx.redis.unavailable();
    if (down !== undefined) {
      skip(ctx, result, 'ossa-gateway --workers', down);
      return;
    }
    await ctx.mock.configure({ delayMs: 0, chunkDelayMs: 0 });
    const rows = addTable(result, { title: `Cache miss at c${CONCURRENCY}, Redis stores: 1 process vs 2 workers`, kind: 'closed' });
    for (const workers of [1, 2]) {
      try {
        await withServer(
          () => startGateway(env, { name: `gateway-workers-${workers}`, config: 'full-pipeline.yaml', upstreamUrl: ctx.mock.openAIBaseUrl, env: redis.env, ...(workers > 1 ? { workers, pinned: false } : {}) }),
          async (gateway) => {
            const request = gatewayExecuteRequest({ unique: true });
            await assertAnswers('ossa-gateway', gateway.origin, request, `${ctx.nonce()}-check`);
            result.commands.push(gateway.command);
            const label = workers === 1 ? 'ossa-gateway, 1 process (pinned)' : `ossa-gateway --workers ${workers} (unpinned)`;
            const { row, command } = await measureClosedLoop(ctx, { key: `gateway-${workers}-worker`, label, server: gateway, request, concurrency: CONCURRENCY, upstream: 'every-request' });
            rows.push(row);
            result.commands.push(command);
          },
        );
      } finally {
        const deleted = await ctx.redis.cleanUp();
        ctx.log(`  deleted ${deleted} Redis key(s) under ${ctx.redis.keyPrefix}`);
      }
    }
  },
};
