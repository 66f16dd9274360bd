import type { RepoPaths } from '../repo-paths.js';
import type { CpuLayout } from '../proc/cpu-pinning.js';
import type { ProcessSupervisor } from '../proc/process-supervisor.js';

/** What every part of a run shares: where things are, which cores, who owns the processes. */
export interface RunEnvironment {
  readonly paths: RepoPaths;
  readonly layout: CpuLayout;
  readonly supervisor: ProcessSupervisor;
  /** The `ossa-gateway` bin the gateway rows run (this repository's unless --gateway-bin). */
  readonly gatewayBin: string;
  /** Logs of every child process (bench/results/<run>/logs). */
  readonly logDir: string;
  /** Scratch space (audit files), removed at the end of the run. */
  readonly tmpDir: string;
  /** The gateway's `observability.log_level` during the run. */
  readonly gatewayLogLevel: string;
  /** When set, the gateway runs with `--cpu-prof` and writes its profiles here. */
  readonly profileDir?: string;
}
