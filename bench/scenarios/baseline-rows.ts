import type { BaselineKind } from '../baselines/baseline-kind.js';
import type { BenchContext } from '../bench-context.js';
import { measureClosedLoop } from '../measure/closed-loop.js';
import type { MeasuredRow, UpstreamExpectation } from '../measure/run-sample.js';
import type { ProbeOutcome } from '../probes/probe-outcome.js';
import type { LoadRequest } from '../requests/load-request.js';
import { startBaseline } from '../servers/baseline-server.js';
import { withServer, type ScenarioResult } from './scenario.js';

/** The row keys the targets look the baselines up by. */
export const BASELINE_ROW = {
  /** Cache miss: the bare Fastify + undici proxy. */
  proxy: { key: 'bare-proxy', label: 'bare Fastify + undici proxy' },
  /** Cache hit and 429: the bare Fastify route answering from a Map. */
  map: { key: 'map-route', label: 'bare Fastify route, Map' },
} as const;

/** One baseline row set: the server, the request the scenario's gateway rows get, and what must hold first. */
export interface BaselinePlan {
  readonly row: (typeof BASELINE_ROW)[keyof typeof BASELINE_ROW];
  readonly kind: BaselineKind;
  readonly request: LoadRequest;
  readonly upstream: UpstreamExpectation;
  /** Count 429s and cache hits (as the scenario's gateway rows do: it costs wrk the same). */
  readonly countStatuses: boolean;
  /** Primes the state the load hits and checks the baseline answers as the gateway would; a failure fails the scenario. */
  probe(origin: string): Promise<ProbeOutcome>;
}

/**
 * Starts a baseline server of issue #12 on the gateway's core and measures it at the
 * scenario's concurrencies into `rows`, beside the gateway's rows of the same run. It is the
 * harness's own code, so a baseline that does not answer fails the scenario instead of being
 * skipped: a target would otherwise be silently `n/a`.
 */
export async function measureBaseline(ctx: BenchContext, result: ScenarioResult, rows: MeasuredRow[], plan: BaselinePlan): Promise<void> {
  await withServer(
    () => startBaseline(ctx.env, { name: `baseline-${result.id}`, kind: plan.kind, ...(plan.kind === 'bare-proxy' ? { upstreamUrl: ctx.mock.openAIBaseUrl } : {}) }),
    async (server) => {
      const probe = await plan.probe(server.origin);
      if (!probe.available) throw new Error(`bench: the ${plan.row.label} baseline failed its probe: ${probe.reason}`);
      result.commands.push(server.command);
      for (const concurrency of ctx.settings.concurrencies) {
        const { row, command } = await measureClosedLoop(ctx, {
          key: plan.row.key,
          label: plan.row.label,
          server,
          request: plan.request,
          concurrency,
          upstream: plan.upstream,
          countStatuses: plan.countStatuses,
        });
        rows.push(row);
        result.commands.push(command);
      }
    },
  );
}
