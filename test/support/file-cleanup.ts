/** What the current test file must undo when it ends (each file runs in a process of its own). */
const cleanups: (() => void)[] = [];

/**
 * Runs `fn` when the test file ends, passed or failed (the suite's setup file calls
 * `runFileCleanups` after all of a file's tests): temporary directories, child processes a
 * failing test could not stop.
 */
export function atFileEnd(fn: () => void): void {
  cleanups.push(fn);
}

/** Runs every registered cleanup, newest first; one that throws does not stop the others. */
export function runFileCleanups(): void {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      fn();
    } catch {
      // Best effort: the next cleanup still runs.
    }
  }
}
