import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** A process to start. */
export interface SpawnSpec {
  /** Shown in errors and logs. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** stdout and stderr go here (appended); without it and without `capture`, they are discarded. */
  readonly logFile?: string;
  /** Keep stdout in memory (stderr goes to `logFile` or is discarded): for programs that report JSON. */
  readonly capture?: boolean;
  /** Open a pipe to its stdin, for `send()`. */
  readonly stdin?: boolean;
}

/** How a process ended. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A started process. */
export class SupervisedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitStatus>;
  #stdout = '';
  readonly #child: ChildProcess;
  readonly #lineWaiters = new Set<() => void>();
  #status: ExitStatus | undefined;

  constructor(name: string, child: ChildProcess) {
    if (child.pid === undefined) throw new Error(`bench: could not start ${name}`);
    this.name = name;
    this.pid = child.pid;
    this.#child = child;
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      this.#stdout += chunk;
      for (const waiter of [...this.#lineWaiters]) waiter();
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#status = { code, signal };
        for (const waiter of [...this.#lineWaiters]) waiter();
        resolve(this.#status);
      });
    });
  }

  /** Everything captured on stdout so far. */
  get stdout(): string {
    return this.#stdout;
  }

  get running(): boolean {
    return this.#status === undefined;
  }

  /** Resolves with the first captured stdout line that `match` accepts; rejects if the process exits first or time runs out. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`bench: ${this.name} did not report ready within ${timeoutMs} ms`)), timeoutMs);
      const finish = (outcome: string | Error): void => {
        clearTimeout(timer);
        this.#lineWaiters.delete(check);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const check = (): void => {
        const line = this.#stdout.split('\n').find(match);
        if (line !== undefined) return finish(line);
        if (this.#status) finish(new Error(`bench: ${this.name} exited (${describeExit(this.#status)}) before reporting ready`));
      };
      this.#lineWaiters.add(check);
      check();
    });
  }

  /** Writes one line to its stdin (spawned with `stdin: true`). */
  send(line: string): void {
    if (!this.#child.stdin) throw new Error(`bench: ${this.name} has no stdin pipe`);
    this.#child.stdin.write(`${line}\n`);
  }

  /** Closes its stdin: for programs that stop at end of input. */
  endInput(): void {
    this.#child.stdin?.end();
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 5_000): Promise<ExitStatus> {
    if (!this.#status) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }

  /** SIGKILL now, synchronously: for the orchestrator's own exit path. */
  killNow(): void {
    if (!this.#status) this.#child.kill('SIGKILL');
  }
}

/**
 * Starts every process of a run and makes sure none outlives the orchestrator: `stopAll()` on
 * the normal path, and on SIGINT/SIGTERM, an uncaught error or any other exit, whatever is
 * still running is killed. Ports close with their processes.
 */
export class ProcessSupervisor {
  readonly #children = new Set<SupervisedProcess>();
  readonly #interruptHooks: (() => Promise<unknown> | unknown)[] = [];
  #installed = false;
  #interrupted = false;

  /** True once a signal has interrupted the run: the orchestrator stops starting things. */
  get interrupted(): boolean {
    return this.#interrupted;
  }

  /** Runs `fn` (after every child has stopped) when a signal interrupts the run: temp files, Redis keys. */
  onInterrupt(fn: () => Promise<unknown> | unknown): void {
    this.#installExitHooks();
    this.#interruptHooks.push(fn);
  }

  spawn(spec: SpawnSpec): SupervisedProcess {
    this.#installExitHooks();
    const fd = spec.logFile === undefined ? undefined : openSync(spec.logFile, 'a');
    try {
      const child = spawn(spec.command, [...spec.args], {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env },
        stdio: [spec.stdin ? 'pipe' : 'ignore', spec.capture ? 'pipe' : (fd ?? 'ignore'), fd ?? 'ignore'],
      });
      // A command that cannot start (ENOENT) emits 'error' and then 'exit'; the error is reported through `exited`.
      child.on('error', () => undefined);
      // A child that dies while we write to it must not crash the orchestrator (EPIPE).
      child.stdin?.on('error', () => undefined);
      const supervised = new SupervisedProcess(spec.name, child);
      this.#children.add(supervised);
      void supervised.exited.then(() => this.#children.delete(supervised));
      return supervised;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Stops every process still running (SIGTERM, then SIGKILL). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#children].map((child) => child.stop(3_000)));
  }

  #installExitHooks(): void {
    if (this.#installed) return;
    this.#installed = true;
    process.once('exit', () => {
      for (const child of this.#children) child.killNow();
    });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        this.#interrupted = true;
        process.stderr.write(`\nbench: ${signal}: stopping ${this.#children.size} child process(es)\n`);
        void (async () => {
          await this.stopAll();
          for (const hook of this.#interruptHooks) {
            try {
              await hook();
            } catch {
              // Best effort: the run is being abandoned.
            }
          }
        })().finally(() => process.exit(130));
      });
    }
  }
}

/** "exit code 1" or "signal SIGKILL". */
export function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `exit code ${status.code ?? '?'}`;
}
