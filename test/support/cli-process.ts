import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { atFileEnd } from './file-cleanup.js';

/** The repository root, and the real binary (compiled by the test run's global setup). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'ossa-gateway.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the binary to completion; `stdin` is written to its standard input. Only PATH is inherited. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; stdin?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** A running `ossa-gateway serve`: its URL once it listens, its output so far, and a way to stop it. */
export interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Sends `signal` (SIGKILL after 10 s) and resolves with the exit code; at once if it already exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `ossa-gateway serve [args]` in `cwd` (only PATH and `env` in its environment) and
 * resolves once it logs that it listens; rejects if it exits first. A process still running
 * when the test file ends (a test failed before stopping it) is killed then.
 */
export function startServe(cwd: string, env: Record<string, string> = {}, args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env } });
  atFileEnd(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 15 s in: ${output}`)), 15_000);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /ossa-gateway listening on (http:\/\/[^"]+)"/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      const url = match[1]!;
      resolve({
        child,
        url,
        output: () => output,
        post: (path, body, headers = {}) =>
          fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.kill(signal);
          const code = await exited;
          clearTimeout(killer);
          return code;
        },
      });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${String(code)} before listening: ${output}`));
    });
  });
}
