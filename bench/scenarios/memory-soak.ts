import type { OpenLoopResult } from '../load/open-loop.js';
import { OpenLoopProcess, openLoopCommandLine } from '../load/run-open-loop.js';
import { openLoopSample } from '../measure/open-loop-runs.js';
import { assertAnswers } from '../probes/pipeline-check.js';
import { cpuMicros, rssMiB } from '../proc/proc-stats.js';
import { gatewayExecuteRequest } from '../requests/bench-requests.js';
import { startGateway } from '../servers/gateway-server.js';
import { withServer, type Scenario } from './scenario.js';

/**
 * The memory soak (`--soak`): the full pipeline at a steady 1,000 req/s for 5 minutes, unique
 * inputs (the cache fills up to its bounds and then evicts), RSS sampled every few seconds.
 * The target is on growth after the first minute, when the heap, the cache and the pools have
 * reached their working size: a leak keeps growing, a bounded process levels off.
 */
export const memorySoakScenario: Scenario = {
  id: 'soak',
  describe: ({ soak: { rate, durationS, sampleEveryS, upstreamDelayMs } }) => ({
    title: `Memory soak (${rate} req/s for ${durationS} s)`,
    method:
      `The open-loop generator at ${rate} req/s for ${durationS} s, unique inputs, mock at ${upstreamDelayMs} ms, the full pipeline; ` +
      `the gateway's VmRSS sampled every ${sampleEveryS} s. Growth = (RSS at the end - RSS at ${soakBaselineS(durationS)} s) / RSS at ${soakBaselineS(durationS)} s.`,
  }),
  async run(ctx, result) {
    const { env, settings } = ctx;
    const { rate, durationS, sampleEveryS, upstreamDelayMs } = settings.soak;
    const baselineAtS = soakBaselineS(durationS);
    await ctx.mock.configure({ delayMs: upstreamDelayMs, chunkDelayMs: 0 });
    try {
      await withServer(
        () => startGateway(env, { name: 'gateway-soak', config: 'full-pipeline.yaml', upstreamUrl: ctx.mock.openAIBaseUrl }),
        async (gateway) => {
          const request = gatewayExecuteRequest({ unique: true });
          await assertAnswers('ossa-gateway', gateway.origin, request, `${ctx.nonce()}-check`);
          result.commands.push(gateway.command, openLoopCommandLine(env, { rate }, durationS, gateway.origin + request.path));
          const generator = await OpenLoopProcess.start(env, { origin: gateway.origin, request, rate });
          const rss: { atS: number; rssMiB: number }[] = [];
          const started = Date.now();
          const sampleRss = (): void => {
            const value = rssMiB(gateway.pid);
            if (value !== undefined) rss.push({ atS: (Date.now() - started) / 1000, rssMiB: value });
          };
          sampleRss();
          const timer = setInterval(() => {
            sampleRss();
            const last = rss[rss.length - 1];
            if (last && Math.round(last.atS) % 30 < sampleEveryS) ctx.log(`  soak ${Math.round(last.atS)} s: RSS ${last.rssMiB.toFixed(1)} MiB`);
          }, sampleEveryS * 1000);
          const before = await ctx.mock.stats();
          const cpuBefore = cpuMicros(gateway.pid);
          let outcome: OpenLoopResult;
          try {
            outcome = await generator.run(durationS, ctx.nonce());
          } finally {
            clearInterval(timer);
            await generator.stop();
          }
          sampleRss();
          const after = await ctx.mock.stats();
          const sample = openLoopSample(outcome, cpuBefore, cpuMicros(gateway.pid), rssMiB(gateway.pid), after.total - before.total);
          const atBaseline = rss.find((point) => point.atS >= baselineAtS) ?? rss[0]!;
          const atEnd = rss[rss.length - 1]!;
          const soak = {
            rate,
            durationS,
            baselineAtS: atBaseline.atS,
            rss,
            rssAtBaselineMiB: atBaseline.rssMiB,
            rssAtEndMiB: atEnd.rssMiB,
            growthPercent: ((atEnd.rssMiB - atBaseline.rssMiB) / atBaseline.rssMiB) * 100,
            row: { key: 'gateway', label: 'ossa-gateway', load: `${rate} req/s`, loop: 'open' as const, samples: [sample], upstream: 'every-request' as const },
          };
          result.soak = soak;
          ctx.log(`  soak: RSS ${atBaseline.rssMiB.toFixed(1)} MiB at ${Math.round(atBaseline.atS)} s -> ${atEnd.rssMiB.toFixed(1)} MiB at the end (${soak.growthPercent.toFixed(1)} %)`);
        },
      );
    } finally {
      await ctx.mock.configure({ delayMs: 0, chunkDelayMs: 0 });
    }
  },
};

/** Growth is measured from 60 s on; a shorter soak (a trial of the harness) from its middle. */
function soakBaselineS(durationS: number): number {
  return Math.min(60, durationS / 2);
}
