import type { BenchContext } from '../bench-context.js';
import type { OpenLoopResult } from '../load/open-loop.js';
import { OpenLoopProcess, openLoopCommandLine } from '../load/run-open-loop.js';
import { cpuMicros, rssMiB } from '../proc/proc-stats.js';
import type { LoadRequest } from '../requests/load-request.js';
import type { ServerUnderTest } from '../servers/server-under-test.js';
import { describeSample } from './describe-sample.js';
import type { MeasuredRow, RunSample, UpstreamExpectation } from './run-sample.js';

/** One fixed-rate row to measure. */
export interface OpenLoopPlan {
  readonly key: string;
  readonly label: string;
  readonly server: ServerUnderTest;
  readonly request: LoadRequest;
  readonly rate: number;
  readonly upstream: UpstreamExpectation;
  /** Streams: time the first token too. */
  readonly firstTokenMarker?: string;
}

/**
 * The open-loop generator at a fixed rate: a warm-up, then the configured repetitions, with
 * the server's CPU, RSS and the upstream counter read around each window as in the closed loop.
 */
export async function measureOpenLoop(ctx: BenchContext, plan: OpenLoopPlan): Promise<{ row: MeasuredRow; command: string }> {
  const { settings } = ctx;
  const load = `${plan.rate} req/s`;
  const spec = {
    origin: plan.server.origin,
    request: plan.request,
    rate: plan.rate,
    ...(plan.firstTokenMarker !== undefined ? { firstTokenMarker: plan.firstTokenMarker } : {}),
  };
  const generator = await OpenLoopProcess.start(ctx.env, spec);
  const samples: RunSample[] = [];
  try {
    if (settings.warmupS > 0) await generator.run(settings.warmupS, ctx.nonce());
    for (let rep = 1; rep <= settings.repetitions; rep++) {
      const before = await ctx.mock.stats();
      const cpuBefore = cpuMicros(plan.server.pid);
      const result = await generator.run(settings.durationS, ctx.nonce());
      const cpuAfter = cpuMicros(plan.server.pid);
      const after = await ctx.mock.stats();
      const sample = openLoopSample(result, cpuBefore, cpuAfter, rssMiB(plan.server.pid), after.total - before.total);
      samples.push(sample);
      ctx.log(`  ${plan.label.padEnd(32)} ${load.padEnd(9)} rep ${rep}: ${describeSample(sample)}, send lag p99 ${result.sendLagMs.p99.toFixed(2)} ms`);
    }
  } finally {
    await generator.stop();
  }
  return {
    row: { key: plan.key, label: plan.label, load, loop: 'open', samples, upstream: plan.upstream },
    command: openLoopCommandLine(ctx.env, { rate: plan.rate }, settings.durationS, plan.server.origin + plan.request.path),
  };
}

/** An open-loop result as a sample; non-2xx answers count as errors. */
export function openLoopSample(result: OpenLoopResult, cpuBefore: number | undefined, cpuAfter: number | undefined, rss: number | undefined, upstreamCalls: number): RunSample {
  const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  const reasons: Record<string, number> = { ...result.errorReasons };
  let unexpected = 0;
  for (const [status, n] of Object.entries(result.statuses)) {
    if (Number(status) >= 200 && Number(status) < 300) continue;
    unexpected += n;
    reasons[`status ${status}`] = n;
  }
  if (result.missingFirstToken > 0) reasons['stream without its first token'] = result.missingFirstToken;
  const summary = (p: { p50: number; p90: number; p99: number; max: number }): RunSample['latencyMs'] => ({ p50: p.p50, p90: p.p90, p99: p.p99, max: p.max });
  return {
    requests: result.completed,
    rps: result.achievedRate,
    latencyMs: summary(result.latencyMs),
    ...(result.firstTokenMs ? { firstTokenMs: summary(result.firstTokenMs) } : {}),
    errors: result.errors + unexpected + result.missingFirstToken,
    ...(Object.keys(reasons).length > 0 ? { errorReasons: reasons } : {}),
    ...(cpu !== undefined && result.completed > 0 ? { cpuUsPerRequest: cpu / result.completed, cpuPercent: (cpu / (result.durationS * 1e6)) * 100 } : {}),
    ...(rss !== undefined ? { rssMiB: rss } : {}),
    upstreamCalls,
    sendLagP99Ms: result.sendLagMs.p99,
  };
}
