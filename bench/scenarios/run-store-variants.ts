import type { BenchContext } from '../bench-context.js';
import { measureClosedLoop } from '../measure/closed-loop.js';
import type { MeasuredRow, UpstreamExpectation } from '../measure/run-sample.js';
import type { ProbeOutcome } from '../probes/probe-outcome.js';
import type { LoadRequest } from '../requests/load-request.js';
import { startGateway } from '../servers/gateway-server.js';
import { skip, withServer, type ScenarioResult } from './scenario.js';
import { storeVariants } from './store-variants.js';

/** A closed-loop scenario run once per store (memory, Redis), each gated by a capability probe. */
export interface StoreScenarioPlan {
  /** Names the gateway processes (`gateway-<name>-<store>`). */
  readonly name: string;
  readonly request: LoadRequest;
  /** More `${BENCH_*}` values (e.g. a tiny rate limit). */
  readonly env?: Readonly<Record<string, string>>;
  readonly upstream: UpstreamExpectation;
  /** Checks the feature is there (and prepares the state the load hits: a cached entry, an empty bucket). */
  probe(origin: string): Promise<ProbeOutcome>;
}

/**
 * For each store: start the gateway on it, probe, and measure at every concurrency with
 * statuses counted, pushing the rows into `rows`. Redis rows are skipped when Redis does not answer; when the feature is
 * missing with the memory store, the Redis row is skipped for the same reason. Redis keys
 * written under the run's prefix are deleted after each Redis row.
 */
export async function runStoreVariants(ctx: BenchContext, result: ScenarioResult, rows: MeasuredRow[], plan: StoreScenarioPlan): Promise<void> {
  let missing: string | undefined;
  for (const variant of storeVariants(ctx)) {
    const what = `ossa-gateway (${variant.label})`;
    if (missing !== undefined) {
      skip(ctx, result, what, `as with the memory store: ${missing}`);
      continue;
    }
    if (variant.store === 'redis') {
      const down = await ctx.redis.unavailable();
      if (down !== undefined) {
        skip(ctx, result, what, down);
        continue;
      }
    }
    try {
      await withServer(
        () => startGateway(ctx.env, { name: `gateway-${plan.name}-${variant.store}`, config: 'full-pipeline.yaml', upstreamUrl: ctx.mock.openAIBaseUrl, env: { ...variant.env, ...plan.env } }),
        async (gateway) => {
          const probe = await plan.probe(gateway.origin);
          if (!probe.available) {
            skip(ctx, result, what, probe.reason);
            if (variant.store === 'memory') missing = probe.reason;
            return;
          }
          result.commands.push(gateway.command);
          for (const concurrency of ctx.settings.concurrencies) {
            const { row, command } = await measureClosedLoop(ctx, {
              key: `gateway-${variant.store}`,
              label: what,
              server: gateway,
              request: plan.request,
              concurrency,
              upstream: plan.upstream,
              countStatuses: true,
            });
            rows.push(row);
            result.commands.push(command);
          }
        },
      );
    } finally {
      if (variant.store === 'redis') {
        const deleted = await ctx.redis.cleanUp();
        ctx.log(`  deleted ${deleted} Redis key(s) under ${ctx.redis.keyPrefix}`);
      }
    }
  }
}
