/** Waits for a retry; resolves after `ms`, rejects with the signal's reason as soon as it fires. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * `setTimeout` as a promise that a client disconnect cuts short: a pending retry must not
 * outlive the request that wanted it. Uses the global timer, so fake timers drive it in tests.
 */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
