import type { BenchContext } from '../bench-context.js';
import { runWrk, wrkCommandLine, type WrkResult } from '../load/wrk.js';
import { cpuMicros, rssMiB } from '../proc/proc-stats.js';
import type { LoadRequest } from '../requests/load-request.js';
import type { MockProcess } from '../servers/mock-process.js';
import type { ServerUnderTest } from '../servers/server-under-test.js';
import { describeSample } from './describe-sample.js';
import type { MeasuredRow, RunSample, UpstreamExpectation } from './run-sample.js';

/** One closed-loop row to measure. */
export interface ClosedLoopPlan {
  readonly key: string;
  readonly label: string;
  readonly server: ServerUnderTest;
  readonly request: LoadRequest;
  readonly concurrency: number;
  readonly upstream: UpstreamExpectation;
  /** Count 429s and cache hits (the scenarios that expect them). */
  readonly countStatuses?: boolean;
  /** Whose counter counts the upstream calls (default: the run's shared mock). */
  readonly counter?: MockProcess;
}

/**
 * wrk at a fixed concurrency: a warm-up, then the configured repetitions. Around each window
 * it reads the server's CPU time (/proc/<pid>/stat) and the mock's counter, and after it the
 * server's RSS, so every sample carries CPU per request, memory and upstream calls.
 */
export async function measureClosedLoop(ctx: BenchContext, plan: ClosedLoopPlan): Promise<{ row: MeasuredRow; command: string }> {
  const { settings } = ctx;
  const load = `c${plan.concurrency}`;
  const base = { origin: plan.server.origin, request: plan.request, concurrency: plan.concurrency, countStatuses: plan.countStatuses ?? false };
  if (settings.warmupS > 0) await runWrk(ctx.env, { ...base, durationS: settings.warmupS, nonce: ctx.nonce() });
  const counter = plan.counter ?? ctx.mock;
  const samples: RunSample[] = [];
  for (let rep = 1; rep <= settings.repetitions; rep++) {
    const before = await counter.stats();
    const cpuBefore = cpuMicros(plan.server.pid);
    const result = await runWrk(ctx.env, { ...base, durationS: settings.durationS, nonce: ctx.nonce() });
    const cpuAfter = cpuMicros(plan.server.pid);
    const after = await counter.stats();
    const sample = toSample(result, cpuBefore, cpuAfter, rssMiB(plan.server.pid), after.total - before.total);
    samples.push(sample);
    ctx.log(`  ${plan.label.padEnd(32)} ${load.padEnd(4)} rep ${rep}: ${describeSample(sample)}`);
  }
  return {
    row: { key: plan.key, label: plan.label, load, loop: 'closed', samples, upstream: plan.upstream },
    command: wrkCommandLine(ctx.env, { concurrency: plan.concurrency, durationS: settings.durationS }, plan.server.origin + plan.request.path),
  };
}

function toSample(result: WrkResult, cpuBefore: number | undefined, cpuAfter: number | undefined, rss: number | undefined, upstreamCalls: number): RunSample {
  const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  const { connect, read, write, timeout, status } = result.errors;
  const transport = connect + read + write + timeout;
  // With statuses counted, a 429 is an expected answer, not an error.
  const unexpected = result.statuses ? result.statuses.other : status;
  const reasons: Record<string, number> = {};
  for (const [kind, n] of [['connect', connect], ['read', read], ['write', write], ['timeout', timeout], ['status >= 400', unexpected]] as const) if (n > 0) reasons[kind] = n;
  return {
    requests: result.requests,
    rps: result.rps,
    latencyMs: { p50: result.latencyMs.p50, p90: result.latencyMs.p90, p99: result.latencyMs.p99, max: result.latencyMs.max },
    errors: transport + unexpected,
    ...(Object.keys(reasons).length > 0 ? { errorReasons: reasons } : {}),
    ...(result.statuses ? { rejected: result.statuses.tooMany, cacheHits: result.statuses.cacheHits } : {}),
    ...(cpu !== undefined && result.requests > 0 ? { cpuUsPerRequest: cpu / result.requests, cpuPercent: (cpu / (result.durationS * 1e6)) * 100 } : {}),
    ...(rss !== undefined ? { rssMiB: rss } : {}),
    upstreamCalls,
  };
}
