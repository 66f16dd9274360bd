import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { fillBody, isUnique, type LoadRequest } from '../requests/load-request.js';
import { percentiles, type Percentiles } from './percentiles.js';

/** What a fixed-rate generator sends; each run then gives its duration. */
export interface OpenLoopSpec {
  readonly origin: string;
  readonly request: LoadRequest;
  /** Requests per second, sent on schedule whatever the answers do. */
  readonly rate: number;
  /** For streams: also time the first occurrence of this text in the body (the first token). */
  readonly firstTokenMarker?: string;
  /** Connections the generator may open; more requests than this in flight queue (and the wait counts). */
  readonly connections?: number;
}

/** What one fixed-rate run measured. Every latency is from the request's scheduled send time. */
export interface OpenLoopResult {
  readonly scheduled: number;
  readonly completed: number;
  /** Transport errors and timeouts (statuses are in `statuses`). */
  readonly errors: number;
  /** What those errors were: `UND_ERR_SOCKET: other side closed` → count. */
  readonly errorReasons: Readonly<Record<string, number>>;
  readonly statuses: Readonly<Record<string, number>>;
  readonly durationS: number;
  /** The rate the generator really sent at (it should equal `rate`). */
  readonly achievedRate: number;
  /** Until the whole response has arrived. */
  readonly latencyMs: Percentiles;
  /** Until the first token arrived (streams with a marker only). */
  readonly firstTokenMs?: Percentiles;
  /** Streams whose marker never came. */
  readonly missingFirstToken: number;
  /** How late the generator itself sent, behind schedule: it must stay small for the numbers to hold. */
  readonly sendLagMs: Percentiles;
}

/**
 * An open-loop load generator: request i of a run is due at start + i/rate and is sent then,
 * however many earlier requests are still unanswered, and its latency is counted from that due
 * time. A stalled server therefore shows up in the percentiles instead of slowing the load down
 * (no coordinated omission, unlike a closed loop). Runs share one keep-alive pool, so a
 * warm-up run leaves the connections open for the measured ones.
 *
 * @example
 * const generator = new OpenLoopGenerator({ origin, request, rate: 200 });
 * await generator.run(5, 'warm');
 * const result = await generator.run(10, 'rep1');
 * await generator.close();
 */
export class OpenLoopGenerator {
  readonly #spec: OpenLoopSpec;
  readonly #pool: Pool;

  constructor(spec: OpenLoopSpec) {
    this.#spec = spec;
    this.#pool = new Pool(spec.origin, { connections: spec.connections ?? 512, keepAliveTimeout: 120_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  }

  /** One run of `durationS` seconds; `nonce` makes its unique inputs differ from every other run's. */
  async run(durationS: number, nonce: string): Promise<OpenLoopResult> {
    const spec = this.#spec;
    const total = Math.max(1, Math.round(spec.rate * durationS));
    const interval = 1000 / spec.rate;
    const latency = new Float64Array(total).fill(Number.NaN);
    const firstToken = new Float64Array(total).fill(Number.NaN);
    const lag = new Float64Array(total);
    const statuses: Record<string, number> = {};
    let errors = 0;
    const errorReasons: Record<string, number> = {};
    const fixedBody = isUnique(spec.request) ? undefined : spec.request.body;
    const marker = spec.firstTokenMarker;
    const inFlight = new Set<Promise<void>>();

    const send = async (index: number, due: number): Promise<void> => {
      try {
        const response = await this.#pool.request({
          method: 'POST',
          path: spec.request.path,
          headers: spec.request.headers,
          body: fixedBody ?? fillBody(spec.request, `${nonce}-${index}`),
        });
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        let seen = marker === undefined;
        let text = '';
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          if (seen) continue;
          text += chunk.toString('utf8');
          if (text.includes(marker!)) {
            firstToken[index] = performance.now() - due;
            seen = true;
          }
        }
        latency[index] = performance.now() - due;
      } catch (error) {
        errors++;
        const reason = describeError(error);
        errorReasons[reason] = (errorReasons[reason] ?? 0) + 1;
      }
    };

    const started = performance.now() + 20;
    let sendWindowMs = 0;
    await new Promise<void>((resolve) => {
      let next = 0;
      const tick = (): void => {
        const now = performance.now();
        while (next < total && started + next * interval <= now) {
          const due = started + next * interval;
          lag[next] = now - due;
          const request = send(next, due);
          inFlight.add(request);
          void request.finally(() => inFlight.delete(request));
          next++;
        }
        if (next >= total) {
          sendWindowMs = performance.now() - started;
          return resolve();
        }
        const wait = started + next * interval - performance.now();
        // Timers have millisecond granularity: sleep the whole milliseconds, spin the fraction.
        if (wait >= 1) setTimeout(tick, Math.floor(wait));
        else setImmediate(tick);
      };
      tick();
    });
    await Promise.all(inFlight);
    const elapsed = (performance.now() - started) / 1000;

    const done = latency.filter((value) => !Number.isNaN(value));
    const tokens = firstToken.filter((value) => !Number.isNaN(value));
    return {
      scheduled: total,
      completed: done.length,
      errors,
      errorReasons,
      statuses,
      durationS: elapsed,
      // The last request is due one interval before the end of the run.
      achievedRate: total / ((sendWindowMs + interval) / 1000),
      latencyMs: percentiles(done),
      ...(marker !== undefined ? { firstTokenMs: percentiles(tokens) } : {}),
      missingFirstToken: marker !== undefined ? done.length - tokens.length : 0,
      sendLagMs: percentiles(lag),
    };
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

/** `code: message`, short: what went wrong with a request, for the report. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 80);
  const code = (error as Error & { code?: unknown }).code;
  return `${typeof code === 'string' ? code : error.name}: ${error.message.slice(0, 80)}`;
}
