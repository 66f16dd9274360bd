import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pinnedCommand } from '../proc/cpu-pinning.js';
import { describeExit } from '../proc/process-supervisor.js';
import type { LoadRequest } from '../requests/load-request.js';
import type { RunEnvironment } from '../servers/run-environment.js';

/** One closed-loop run: `concurrency` connections, each sending its next request when the last is answered. */
export interface WrkRun {
  /** Origin of the server, e.g. `http://127.0.0.1:8080`. */
  readonly origin: string;
  readonly request: LoadRequest;
  readonly concurrency: number;
  /** Whole seconds (wrk's resolution). */
  readonly durationS: number;
  /** Count statuses and `X-Cache: HIT` (costs the load side a little). */
  readonly countStatuses?: boolean;
  /** Distinguishes this run's unique inputs from every earlier run's. */
  readonly nonce: string;
}

/** What wrk measured. Latencies in milliseconds. */
export interface WrkResult {
  readonly requests: number;
  readonly durationS: number;
  readonly rps: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly mean: number };
  /** Transport errors, timeouts, and answers with status >= 400. */
  readonly errors: { readonly connect: number; readonly read: number; readonly write: number; readonly status: number; readonly timeout: number };
  /** Present when `countStatuses` was set. */
  readonly statuses?: { readonly ok: number; readonly tooMany: number; readonly other: number; readonly cacheHits: number };
}

interface WrkJson {
  requests: number;
  duration_us: number;
  errors: WrkResult['errors'];
  latency_us: { p50: number; p90: number; p99: number; max: number; mean: number };
  counted: boolean;
  status_2xx: number;
  status_429: number;
  status_other: number;
  cache_hits: number;
}

/** True when a `wrk` binary answers (Debian: `apt-get install wrk`). */
export function wrkAvailable(): boolean {
  const probe = spawnSync('wrk', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined;
}

/** The wrk command line of a run, as the report prints it. */
export function wrkCommandLine(env: RunEnvironment, run: Pick<WrkRun, 'concurrency' | 'durationS'>, url: string): string {
  const pin = env.layout.pinned ? `taskset -c ${env.layout.loadCpu} ` : '';
  return `${pin}wrk -t1 -c${run.concurrency} -d${run.durationS}s --timeout 10s -s bench/load/wrk-request.lua ${url}`;
}

/**
 * Runs wrk on the load core (one thread: it shares that core with the mock, and one event
 * loop saturates it) with bench/load/wrk-request.lua, and parses the line its `done()` prints.
 */
export async function runWrk(env: RunEnvironment, run: WrkRun): Promise<WrkResult> {
  const url = run.origin + run.request.path;
  const script = join(env.paths.bench, 'load', 'wrk-request.lua');
  const wrkArgs = ['-t1', `-c${run.concurrency}`, `-d${Math.max(1, Math.round(run.durationS))}s`, '--timeout', '10s', '-s', script, url];
  const { command, args } = pinnedCommand(env.layout, env.layout.loadCpu, 'wrk', wrkArgs);
  const child = env.supervisor.spawn({
    name: 'wrk',
    command,
    args,
    capture: true,
    env: {
      BENCH_WRK_BODY: run.request.body,
      BENCH_WRK_HEADERS: Object.entries(run.request.headers).map(([name, value]) => `${name}: ${value}`).join('\n'),
      BENCH_WRK_NONCE: run.nonce,
      BENCH_WRK_COUNT: run.countStatuses ? '1' : '0',
    },
  });
  const exit = await child.exited;
  const line = child.stdout.split('\n').find((text) => text.startsWith('BENCH_JSON '));
  if (exit.code !== 0 || line === undefined) {
    throw new Error(`bench: wrk failed (${describeExit(exit)}) against ${url}: ${child.stdout.trim().slice(-500) || 'no output (is wrk installed? apt-get install wrk)'}`);
  }
  const json = JSON.parse(line.slice('BENCH_JSON '.length)) as WrkJson;
  const durationS = json.duration_us / 1e6;
  const ms = (us: number): number => us / 1000;
  return {
    requests: json.requests,
    durationS,
    rps: json.requests / durationS,
    latencyMs: { p50: ms(json.latency_us.p50), p90: ms(json.latency_us.p90), p99: ms(json.latency_us.p99), max: ms(json.latency_us.max), mean: ms(json.latency_us.mean) },
    errors: json.errors,
    ...(json.counted ? { statuses: { ok: json.status_2xx, tooMany: json.status_429, other: json.status_other, cacheHits: json.cache_hits } } : {}),
  };
}
