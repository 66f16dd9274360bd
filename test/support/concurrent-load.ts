import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/** How one request of a load run ended, as the client saw it. */
export interface LoadOutcome {
  /** The HTTP status; 0 when the request failed without one (connection refused, reset). */
  readonly status: number;
  /** `performance.now()` when it was sent and when its body had been read. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly ms: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The client-side error, when there was no response. */
  readonly error?: string;
}

/** One request of a load run: what `request(i)` returns. */
export interface LoadRequest {
  readonly path: string;
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Concurrent HTTP load against one origin, over an undici `Pool` with a connection per request
 * in flight (so hundreds really are in flight at once, not queued on a few sockets).
 *
 * @example
 * const load = new ConcurrentLoad(gateway.url, 300);
 * const outcomes = await load.burst(300, (i) => ({ path: '/v1/agents/support/execute', method: 'POST', body: { input: `q ${i}` } }));
 * await load.close();
 */
export class ConcurrentLoad {
  readonly #pool: Pool;

  constructor(origin: string, connections: number) {
    this.#pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 10_000 });
  }

  /** Sends one request and reads its whole body; never throws (a failure is an outcome). */
  async send(request: LoadRequest): Promise<LoadOutcome> {
    const startedAt = performance.now();
    try {
      const res = await this.#pool.request({
        path: request.path,
        method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
        headers: { ...(request.body === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
      const body = await res.body.text();
      const endedAt = performance.now();
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      return { status: res.statusCode, startedAt, endedAt, ms: endedAt - startedAt, headers, body };
    } catch (error) {
      const endedAt = performance.now();
      return { status: 0, startedAt, endedAt, ms: endedAt - startedAt, headers: {}, body: '', error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** `count` requests, all sent at once; resolves when every one has ended. */
  burst(count: number, request: (i: number) => LoadRequest): Promise<LoadOutcome[]> {
    return Promise.all(Array.from({ length: count }, (_, i) => this.send(request(i))));
  }

  /**
   * Keeps `concurrency` requests in flight (each one ending starts the next) until `stop()`;
   * `done` resolves with every outcome once the last in-flight request has ended. With
   * `paceMs`, each of the `concurrency` clients sends at most one request per `paceMs` (starts
   * staggered), as real clients do: a fast error answer then does not turn the run into a
   * tight loop that measures nothing but how fast the gateway can say no.
   */
  sustain(concurrency: number, request: (i: number) => LoadRequest, options: { paceMs?: number } = {}): { stop: () => void; done: Promise<LoadOutcome[]> } {
    const outcomes: LoadOutcome[] = [];
    const paceMs = options.paceMs ?? 0;
    let stopped = false;
    let next = 0;
    const worker = async (_: unknown, k: number): Promise<void> => {
      if (paceMs > 0) await sleep((k * paceMs) / concurrency);
      while (!stopped) {
        const outcome = await this.send(request(next++));
        outcomes.push(outcome);
        const wait = outcome.startedAt + paceMs - performance.now();
        if (wait > 0 && !stopped) await sleep(wait);
      }
    };
    const done = Promise.all(Array.from({ length: concurrency }, worker)).then(() => outcomes);
    return { stop: () => void (stopped = true), done };
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}

/** The `p`-th percentile (0..100) of `values`, nearest rank; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p50, p99 and max of the outcomes' latencies, in whole milliseconds, for the reliability tables. */
export function latencySummary(outcomes: readonly LoadOutcome[]): { n: number; p50: number; p99: number; max: number } {
  const ms = outcomes.map((o) => o.ms);
  return { n: ms.length, p50: Math.round(percentile(ms, 50)), p99: Math.round(percentile(ms, 99)), max: Math.round(Math.max(0, ...ms)) };
}

/** How many outcomes had each status (`0` = no response), e.g. `{ "200": 290, "503": 10 }`. */
export function countStatuses(outcomes: readonly LoadOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[String(o.status)] = (counts[String(o.status)] ?? 0) + 1;
  return counts;
}

/** The most outcomes that were in flight at the same moment. */
export function peakInFlight(outcomes: readonly LoadOutcome[]): number {
  const edges = outcomes.flatMap((o) => [{ at: o.startedAt, delta: 1 }, { at: o.endedAt, delta: -1 }]).sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let peak = 0;
  for (const edge of edges) peak = Math.max(peak, (current += edge.delta));
  return peak;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
