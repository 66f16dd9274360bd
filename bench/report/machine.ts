import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, release, totalmem } from 'node:os';
import type { CpuLayout } from '../proc/cpu-pinning.js';

/** The machine and software a run measured on: the report's first table. */
export interface MachineInfo {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly kernel: string;
  readonly node: string;
  readonly wrk: string;
  readonly commit: string;
  readonly pinning: string;
  readonly portkey: string;
}

/** Reads what the report says about the machine. Nothing here may fail the run. */
export function describeMachine(root: string, layout: CpuLayout, portkey: string): MachineInfo {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: firstMatch('/proc/cpuinfo', /^model name\s*:\s*(.+)$/m) ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: firstMatch('/etc/os-release', /^PRETTY_NAME="?([^"\n]+)"?$/m) ?? process.platform,
    kernel: `${process.platform} ${release()}`,
    node: process.version,
    wrk: wrkVersion(),
    commit: gitCommit(root),
    pinning: layout.pinned
      ? `the server under test alone on cpu ${layout.serverCpu}; the mock upstream, wrk and the open-loop generator on cpu ${layout.loadCpu} (taskset)`
      : `none (${layout.reason ?? 'unavailable'}): the numbers are not comparable with pinned runs`,
    portkey,
  };
}

function firstMatch(file: string, pattern: RegExp): string | undefined {
  try {
    return pattern.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

function wrkVersion(): string {
  const run = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  const line = `${run.stdout ?? ''}${run.stderr ?? ''}`.split('\n')[0]?.trim();
  return line ? line.replace(/\s*Copyright.*$/, '') : 'not installed';
}

function gitCommit(root: string): string {
  if (!existsSync(join(root, '.git'))) return 'unknown';
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return 'unknown';
  }
}
