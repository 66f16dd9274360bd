import type { BenchSettings } from './bench-settings.js';
import type { BenchRedis } from './redis/bench-redis.js';
import type { MockProcess } from './servers/mock-process.js';
import type { PortkeyInstall } from './servers/portkey-server.js';
import type { RunEnvironment } from './servers/run-environment.js';

/** What a scenario gets: the run's environment and settings, the shared mock upstream, and helpers. */
export interface BenchContext {
  readonly env: RunEnvironment;
  readonly settings: BenchSettings;
  /** The mock upstream on the load core, shared by every scenario (its counter is read around each window). */
  readonly mock: MockProcess;
  /** Portkey when this run includes it, else why not. */
  readonly portkey: PortkeyInstall | { readonly skipped: string };
  readonly redis: BenchRedis;
  /** A token unique in the run, for the unique inputs of one load run. */
  nonce(): string;
  /** A progress line on stderr. */
  log(line: string): void;
}
