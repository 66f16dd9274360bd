import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pinnedCommand } from '../proc/cpu-pinning.js';
import { freePort } from '../proc/free-port.js';
import { describeExit } from '../proc/process-supervisor.js';
import { fromRoot } from '../repo-paths.js';
import { BENCH_CLIENT_KEY, BENCH_UPSTREAM_KEY } from '../requests/bench-requests.js';
import { waitForHttp } from './http-call.js';
import type { RunEnvironment } from './run-environment.js';
import type { ServerUnderTest } from './server-under-test.js';

/** One gateway process to start. */
export interface GatewaySpec {
  /** Names its log file, audit directory and profile (e.g. `gateway-cache-hit-redis`). */
  readonly name: string;
  /** A file of bench/configs/. */
  readonly config: string;
  /** The mock's OpenAI base URL (`http://127.0.0.1:<port>/v1`). */
  readonly upstreamUrl: string;
  /** More `${BENCH_*}` values for the config (stores, limits, the Redis prefix, the dead URL). */
  readonly env?: Readonly<Record<string, string>>;
  /** `serve --workers N` (default: one process, no cluster). */
  readonly workers?: number;
  /** Pinned to the server core (default); a cluster of workers that may use every core is not. */
  readonly pinned?: boolean;
}

/**
 * Starts `node bin/ossa-gateway.js serve --config bench/configs/<config>` on the server core,
 * with the values the bench configs leave to the environment, and waits for `GET /healthz`.
 * It is the real CLI on the compiled dist/ (`npm run build`), as users run it (or the bin
 * given with --gateway-bin).
 *
 * @example
 * const gateway = await startGateway(env, { name: 'gateway-cache-miss', config: 'full-pipeline.yaml', upstreamUrl: mock.openAIBaseUrl });
 */
export async function startGateway(env: RunEnvironment, spec: GatewaySpec): Promise<ServerUnderTest> {
  const port = await freePort();
  const auditDir = join(env.tmpDir, `audit-${spec.name}`);
  mkdirSync(auditDir, { recursive: true });
  const configPath = join(env.paths.bench, 'configs', spec.config);
  const nodeArgs = env.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${env.profileDir}`, `--cpu-prof-name=${spec.name}.cpuprofile`] : [];
  const workerArgs = spec.workers !== undefined ? ['--workers', String(spec.workers)] : [];
  const cliArgs = [env.gatewayBin, 'serve', '--config', configPath, '--port', String(port), ...workerArgs];
  const pinned = env.layout.pinned && spec.pinned !== false;
  const { command, args } = pinned ? pinnedCommand(env.layout, env.layout.serverCpu, process.execPath, [...nodeArgs, ...cliArgs]) : { command: process.execPath, args: [...nodeArgs, ...cliArgs] };
  const logFile = join(env.logDir, `${spec.name}.log`);
  const child = env.supervisor.spawn({
    name: spec.name,
    command,
    args,
    cwd: env.paths.root,
    logFile,
    env: {
      BENCH_MOCK_URL: spec.upstreamUrl,
      BENCH_UPSTREAM_KEY,
      BENCH_CLIENT_KEY,
      BENCH_AUDIT_PATH: join(auditDir, 'audit.jsonl'),
      BENCH_LOG_LEVEL: env.gatewayLogLevel,
      // As deployed (Portkey gets the same): dependencies may take faster paths in production.
      NODE_ENV: 'production',
      ...spec.env,
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${origin}/healthz`, 20_000, () => child.running, [200]);
    // /healthz answers once the first worker listens; /metrics has a series per listening worker.
    if ((spec.workers ?? 1) > 1) await waitForWorkers(origin, spec.workers ?? 1, 20_000, () => child.running);
  } catch (error) {
    await child.stop();
    const exit = await child.exited;
    throw new Error(`${error instanceof Error ? error.message : String(error)}; ${spec.name} ${describeExit(exit)}, see ${logFile}`);
  }
  const shown = pinned ? `taskset -c ${env.layout.serverCpu} ` : '';
  return {
    kind: 'ossa-gateway',
    pid: child.pid,
    origin,
    command: `${shown}node ${[...nodeArgs, fromRoot(env.paths, env.gatewayBin), 'serve', '--config', fromRoot(env.paths, configPath), '--port', String(port), ...workerArgs].join(' ')}`,
    // SIGTERM: the gateway drains, flushes its audit sink and exits (and writes its CPU profile).
    stop: () => child.stop(10_000),
  };
}

/** Resolves once `/metrics` shows `workers` workers (`ossa_circuit_breaker_state` has one series per worker). */
async function waitForWorkers(origin: string, workers: number, timeoutMs: number, running: () => boolean): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text = await fetch(`${origin}/metrics`).then((res) => res.text(), () => '');
    const seen = new Set([...text.matchAll(/^ossa_circuit_breaker_state\{[^}]*worker="(\d+)"/gm)].map((m) => m[1]));
    if (seen.size >= workers) return;
    if (!running()) throw new Error('exited before every worker listened');
    if (Date.now() > until) throw new Error(`${seen.size} of ${workers} workers listening after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
