/** How a `RestartPolicy` backs off and when it gives up. */
export interface RestartPolicyOptions {
  /** The wait before replacing the first worker that died (doubled per recent crash). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Crashes this long ago no longer lengthen the wait. */
  readonly windowMs?: number;
  /** Workers in a row that die before they listen: then the primary gives up. */
  readonly maxStartupFailures?: number;
  readonly now?: () => number;
}

/**
 * When the primary replaces a worker that died: after a wait that doubles with each crash of
 * the last minute (100 ms, 200 ms, ... up to 5 s), and never when workers keep dying before
 * they listen (a port taken, a config that broke under it): that is a crash loop, and the
 * primary exits 1 instead of printing the same error forever.
 *
 * @example
 * const policy = new RestartPolicy();
 * const next = policy.workerDied({ listened: true }); // { restartInMs: 100 }
 */
export class RestartPolicy {
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #windowMs: number;
  readonly #maxStartupFailures: number;
  readonly #now: () => number;
  #crashes: number[] = [];
  #startupFailures = 0;

  constructor(options: RestartPolicyOptions = {}) {
    this.#initialDelayMs = options.initialDelayMs ?? 100;
    this.#maxDelayMs = options.maxDelayMs ?? 5_000;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxStartupFailures = options.maxStartupFailures ?? 3;
    this.#now = options.now ?? Date.now;
  }

  /** A worker listens: the startup failures before it were not a loop. */
  workerListening(): void {
    this.#startupFailures = 0;
  }

  /** A worker died unasked; `listened`: it had started serving. */
  workerDied(death: { readonly listened: boolean }): { readonly restartInMs: number } | { readonly giveUp: string } {
    const now = this.#now();
    this.#crashes = [...this.#crashes.filter((at) => now - at < this.#windowMs), now];
    if (!death.listened) this.#startupFailures++;
    if (this.#startupFailures >= this.#maxStartupFailures) {
      return { giveUp: `${this.#startupFailures} workers in a row died before they listened` };
    }
    return { restartInMs: Math.min(this.#maxDelayMs, this.#initialDelayMs * 2 ** (this.#crashes.length - 1)) };
  }
}
