import { join } from 'node:path';
import type { BaselineKind } from '../baselines/baseline-kind.js';
import { pinnedCommand } from '../proc/cpu-pinning.js';
import { describeExit } from '../proc/process-supervisor.js';
import type { RunEnvironment } from './run-environment.js';
import type { ServerUnderTest } from './server-under-test.js';

/** One baseline process to start. */
export interface BaselineSpec {
  /** Names its log file (e.g. `baseline-cache-miss`). */
  readonly name: string;
  readonly kind: BaselineKind;
  /** The mock's OpenAI base URL: the bare proxy's upstream. */
  readonly upstreamUrl?: string;
}

/**
 * Starts `bench/.build/baselines/main.js --kind <kind>` on the server core, where the gateway
 * runs, so that its req/s and CPU per request compare with the gateway's core for core, and
 * waits for its ready line. taskset execs, so the pid (whose CPU and RSS are read) is node's.
 *
 * @example
 * const proxy = await startBaseline(env, { name: 'baseline-cache-miss', kind: 'bare-proxy', upstreamUrl: mock.openAIBaseUrl });
 */
export async function startBaseline(env: RunEnvironment, spec: BaselineSpec): Promise<ServerUnderTest> {
  const script = join(env.paths.build, 'baselines', 'main.js');
  const cliArgs = ['--kind', spec.kind, ...(spec.upstreamUrl === undefined ? [] : ['--upstream', spec.upstreamUrl])];
  const { command, args } = pinnedCommand(env.layout, env.layout.serverCpu, process.execPath, [script, ...cliArgs]);
  const logFile = join(env.logDir, `${spec.name}.log`);
  // NODE_ENV as the gateway and Portkey get it: the same dependency paths on every row.
  const child = env.supervisor.spawn({ name: spec.name, command, args, capture: true, logFile, env: { NODE_ENV: 'production' } });
  let port: number;
  try {
    const line = await child.waitForLine((text) => text.startsWith('{"ready":true'), 10_000);
    port = (JSON.parse(line) as { port: number }).port;
  } catch (error) {
    await child.stop();
    const exit = await child.exited;
    throw new Error(`${error instanceof Error ? error.message : String(error)}; ${spec.name} ${describeExit(exit)}, see ${logFile}`);
  }
  const shown = env.layout.pinned ? `taskset -c ${env.layout.serverCpu} ` : '';
  return {
    kind: 'baseline',
    pid: child.pid,
    origin: `http://127.0.0.1:${port}`,
    // It listens on a port of its own choosing (--port 0) and reports it; the report shows `<port>` either way.
    command: `${shown}node bench/.build/baselines/main.js ${cliArgs.join(' ')} --port ${port}`,
    stop: () => child.stop(5_000),
  };
}
