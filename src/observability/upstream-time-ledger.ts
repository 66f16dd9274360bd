/** What one request spent waiting on upstreams. */
export interface UpstreamTime {
  /** Upstream attempts (each retry and each fallback is one). */
  calls: number;
  /** Wall time inside upstream calls, milliseconds. */
  upstreamMs: number;
  /** Retry backoff slept between attempts, milliseconds. */
  waitedMs: number;
}

interface Entry extends UpstreamTime {
  /** Requests open under this id (a client may reuse an X-Request-Id). */
  refs: number;
}

/**
 * Upstream time per in-flight request, so the gateway's own overhead (the request's duration
 * minus its upstream calls and backoff) can be measured. Only requests that were opened are
 * tracked: in-process calls with no HTTP request cost nothing and leave nothing behind. The
 * size is capped; past it the oldest entry is dropped, so a request that never closes (it
 * cannot happen with Fastify's hooks, but memory must not depend on that) is forgotten.
 */
export class UpstreamTimeLedger {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 10_000) {}

  get size(): number {
    return this.entries.size;
  }

  open(requestId: string): void {
    const entry = this.entries.get(requestId);
    if (entry) {
      entry.refs++;
      return;
    }
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(requestId, { calls: 0, upstreamMs: 0, waitedMs: 0, refs: 1 });
  }

  /** An upstream attempt of the request finished after `ms`. Ignored for requests not open. */
  addCall(requestId: string, ms: number): void {
    const entry = this.entries.get(requestId);
    if (!entry) return;
    entry.calls++;
    entry.upstreamMs += ms;
  }

  /** The request slept `ms` before a retry. */
  addWait(requestId: string, ms: number): void {
    const entry = this.entries.get(requestId);
    if (entry) entry.waitedMs += ms;
  }

  /** Closes the request and returns its totals (undefined when it was not open). */
  close(requestId: string): UpstreamTime | undefined {
    const entry = this.entries.get(requestId);
    if (!entry) return undefined;
    if (--entry.refs <= 0) this.entries.delete(requestId);
    return { calls: entry.calls, upstreamMs: entry.upstreamMs, waitedMs: entry.waitedMs };
  }
}
