/**
 * Resolves with the first truthy value of `probe`, polled every 10 ms: for outcomes that happen
 * on their own schedule (a log line written after the response, a socket closing). Fails after
 * `timeoutMs`. This waits for a condition; it never asserts anything about elapsed time.
 */
export async function waitFor<T>(probe: () => T | undefined | false | null | Promise<T | undefined | false | null>, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
