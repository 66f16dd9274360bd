interface Flight<T> {
  readonly promise: Promise<T>;
  /** Made when the call first asks for its signal: most calls (a cache hit) never do. */
  controller?: AbortController;
  /** Why every caller gave up, when they all did. */
  abandoned?: { readonly reason: unknown };
  waiters: number;
}

/**
 * Runs one call per key at a time: callers that arrive while a call for their key is in
 * flight wait for its result instead of starting their own. The call gets a signal that aborts
 * only when every caller waiting for it has given up, so one client disconnecting does not
 * fail the others.
 */
export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /** Calls in flight right now. */
  get size(): number {
    return this.flights.size;
  }

  /** True while a call for `key` is in flight (a caller now would join it). */
  has(key: string): boolean {
    return this.flights.has(key);
  }

  /**
   * `joined` is true when another caller's call produced the value. The call gets its signal
   * from `signal()`, made on first use (an AbortController per call was ~2 % of a cache hit's
   * CPU, and a hit never needs one).
   */
  run(key: string, signal: AbortSignal | undefined, call: (signal: () => AbortSignal) => Promise<T>): Promise<{ value: T; joined: boolean }> {
    let flight = this.flights.get(key);
    const joined = flight !== undefined;
    if (!flight) {
      const signalOf = (): AbortSignal => {
        if (!started.controller) {
          started.controller = new AbortController();
          if (started.abandoned) started.controller.abort(started.abandoned.reason);
        }
        return started.controller.signal;
      };
      const started: Flight<T> = {
        waiters: 0,
        promise: Promise.resolve()
          .then(() => call(signalOf))
          .finally(() => {
            if (this.flights.get(key) === started) this.flights.delete(key);
          }),
      };
      flight = started;
      this.flights.set(key, flight);
    }
    const current = flight;
    current.waiters++;
    const leave = (reason: unknown): void => {
      current.waiters--;
      if (current.waiters > 0) return;
      current.abandoned = { reason };
      current.controller?.abort(reason);
      // A caller arriving now must not join a call that is being cancelled.
      if (this.flights.get(key) === current) this.flights.delete(key);
    };
    if (!signal) return current.promise.then((value) => ({ value, joined }));
    if (signal.aborted) {
      leave(signal.reason);
      // The flight's own outcome is still observed, so it never becomes an unhandled rejection.
      current.promise.catch(() => undefined);
      return Promise.reject(signal.reason);
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        leave(signal.reason);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      current.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve({ value, joined });
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}
