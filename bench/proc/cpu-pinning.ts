import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Which cores the processes of a run go to. */
export interface CpuLayout {
  /** True when `taskset` exists and there are at least two cores to split. */
  readonly pinned: boolean;
  /** The server under test (the gateway, Portkey, or the mock when it is measured alone). */
  readonly serverCpu: number;
  /** The mock upstream, wrk and the open-loop generator. */
  readonly loadCpu: number;
  /** Why pinning is off, when it is. */
  readonly reason?: string;
}

/**
 * The gateway alone on cpu 0 and everything else on cpu 1, as the issue prescribes: the
 * server's CPU time per request is then its own, and the load side cannot steal its core.
 * Without `taskset` or with one core, processes run unpinned and the report says so.
 */
export function detectCpuLayout(): CpuLayout {
  const cores = availableParallelism();
  if (cores < 2) return { pinned: false, serverCpu: 0, loadCpu: 0, reason: `only ${cores} core available` };
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) return { pinned: false, serverCpu: 0, loadCpu: 1, reason: 'taskset not found (util-linux)' };
  return { pinned: true, serverCpu: 0, loadCpu: 1 };
}

/** `command args` prefixed with `taskset -c <cpu>` when the layout pins. taskset execs, so the pid is the command's. */
export function pinnedCommand(layout: CpuLayout, cpu: number, command: string, args: readonly string[]): { command: string; args: string[] } {
  if (!layout.pinned) return { command, args: [...args] };
  return { command: 'taskset', args: ['-c', String(cpu), command, ...args] };
}
