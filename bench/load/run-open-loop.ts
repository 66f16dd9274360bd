import { join } from 'node:path';
import { pinnedCommand } from '../proc/cpu-pinning.js';
import { describeExit, type SupervisedProcess } from '../proc/process-supervisor.js';
import type { RunEnvironment } from '../servers/run-environment.js';
import type { OpenLoopResult, OpenLoopSpec } from './open-loop.js';

/** The generator's command line, as the report prints it. */
export function openLoopCommandLine(env: RunEnvironment, spec: Pick<OpenLoopSpec, 'rate'>, durationS: number, url: string): string {
  const pin = env.layout.pinned ? `taskset -c ${env.layout.loadCpu} ` : '';
  return `${pin}node bench/.build/load/open-loop-main.js  # ${spec.rate} req/s, ${durationS} s per run, to ${url}`;
}

/**
 * The open-loop generator in its own process on the load core, kept for all the runs of one
 * row (warm-up and repetitions) so its connections and JIT stay warm between them.
 */
export class OpenLoopProcess {
  readonly #child: SupervisedProcess;
  readonly #logFile: string;
  #runs = 0;

  private constructor(child: SupervisedProcess, logFile: string) {
    this.#child = child;
    this.#logFile = logFile;
  }

  static async start(env: RunEnvironment, spec: OpenLoopSpec): Promise<OpenLoopProcess> {
    const { command, args } = pinnedCommand(env.layout, env.layout.loadCpu, process.execPath, [join(env.paths.build, 'load', 'open-loop-main.js')]);
    const logFile = join(env.logDir, 'open-loop.log');
    const child = env.supervisor.spawn({ name: 'open-loop', command, args, capture: true, stdin: true, logFile, env: { BENCH_OPEN_LOOP_SPEC: JSON.stringify(spec) } });
    await child.waitForLine((line) => line === 'BENCH_READY', 10_000);
    return new OpenLoopProcess(child, logFile);
  }

  /** One run of `durationS` seconds at the spec's rate. */
  async run(durationS: number, nonce: string): Promise<OpenLoopResult> {
    const id = ++this.#runs;
    const prefix = `BENCH_JSON ${id} `;
    this.#child.send(`run ${id} ${durationS} ${nonce}`);
    let line: string;
    try {
      // Generous: the run itself, plus time for a stalled server's last answers (30 s timeouts).
      line = await this.#child.waitForLine((text) => text.startsWith(prefix), (durationS + 60) * 1000);
    } catch (error) {
      const exit = this.#child.running ? 'still running' : describeExit(await this.#child.exited);
      throw new Error(`bench: the open-loop generator failed (${exit}): ${error instanceof Error ? error.message : String(error)}; see ${this.#logFile}`);
    }
    return JSON.parse(line.slice(prefix.length)) as OpenLoopResult;
  }

  /** Ends its input; it closes its pool and exits. */
  async stop(): Promise<void> {
    this.#child.endInput();
    const timer = setTimeout(() => void this.#child.stop(), 5_000);
    await this.#child.exited;
    clearTimeout(timer);
  }
}
