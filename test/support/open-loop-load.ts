import { Agent, request } from 'undici';

/** One request the load sends: where, what, and a tag the test groups outcomes by. */
export interface LoadRequest {
  readonly path: string;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** The answer is Server-Sent Events: complete only once its `done` (or `error`) event arrived. */
  readonly stream?: boolean;
  readonly tag: string;
}

/** What became of one request, as its client saw it. */
export interface LoadOutcome {
  /** The `X-Request-Id` it was sent with (`<prefix>-<n>`). */
  readonly id: string;
  readonly tag: string;
  readonly stream: boolean;
  /** Milliseconds since the load started, when it was sent and when its answer ended (or failed). */
  readonly sentAt: number;
  endedAt: number | undefined;
  /** The HTTP status, when a status line arrived. */
  status: number | undefined;
  /** The whole body arrived and is what its status promises: JSON that parses, or an SSE stream that ended with `done`/`error`. */
  complete: boolean;
  /** Response headers (lower-case names), when a status line arrived. */
  headers: Readonly<Record<string, string>>;
  /** The body, kept only for answers that are not 2xx or not complete (the rest would only cost memory). */
  body: string | undefined;
  /** The client-side error code (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...) when no complete answer arrived. */
  error: string | undefined;
}

export interface OpenLoopOptions {
  /** Requests per second, sent on schedule whatever the answers do (an open loop). */
  readonly rate: number;
  /** The n-th request (0-based). */
  readonly next: (n: number) => LoadRequest;
  readonly idPrefix?: string;
}

/**
 * An open-loop load generator: requests leave at a fixed rate, independent of how fast the
 * gateway answers, so a slow gateway meets a growing queue instead of a politely slower client
 * (a closed loop would hide exactly the stalls a soak looks for). Each request is tracked to its
 * end. Keep-alive connections are reused, as a load balancer in front of the gateway would.
 *
 * @example
 * const load = new OpenLoopLoad(url, { rate: 100, next: (n) => ({ path: '/v1/agents/a/execute', body: { input: `q${n}` }, tag: 'json' }) });
 * load.start();
 * await sleep(10_000);
 * await load.stop();
 * load.outcomes.filter((o) => o.status !== 200);
 */
export class OpenLoopLoad {
  readonly outcomes: LoadOutcome[] = [];
  readonly #dispatcher = new Agent({ keepAliveTimeout: 4_000 });
  readonly #pending = new Set<Promise<void>>();
  readonly #prefix: string;
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #sent = 0;

  constructor(
    readonly baseUrl: string,
    readonly options: OpenLoopOptions,
  ) {
    this.#prefix = options.idPrefix ?? 'load';
  }

  /** Requests sent and not yet answered (or failed). */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Sockets open from this load to the gateway right now. */
  get openConnections(): number {
    return Object.values(this.#dispatcher.stats).reduce((sum, pool) => sum + Number(pool.connected), 0);
  }

  get sent(): number {
    return this.#sent;
  }

  /** Milliseconds since `start()`. */
  elapsed(): number {
    return performance.now() - this.#startedAt;
  }

  start(): void {
    this.#startedAt = performance.now();
    // Every tick sends what the schedule owes by now, so a late timer catches up instead of
    // lowering the rate.
    this.#timer = setInterval(() => {
      const due = Math.floor((this.elapsed() / 1000) * this.options.rate);
      while (this.#sent < due) this.#send(this.#sent++);
    }, 5);
  }

  /** Stops sending and resolves once every request sent has ended. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    await this.#dispatcher.close();
  }

  #send(n: number): LoadOutcome {
    const spec = this.options.next(n);
    const outcome: LoadOutcome = {
      id: `${this.#prefix}-${n}`, tag: spec.tag, stream: spec.stream === true, sentAt: this.elapsed(),
      endedAt: undefined, status: undefined, complete: false, headers: {}, body: undefined, error: undefined,
    };
    this.outcomes.push(outcome);
    const done = this.#run(spec, outcome).finally(() => {
      outcome.endedAt = this.elapsed();
      this.#pending.delete(done);
    });
    this.#pending.add(done);
    return outcome;
  }

  async #run(spec: LoadRequest, outcome: LoadOutcome): Promise<void> {
    try {
      const response = await request(`${this.baseUrl}${spec.path}`, {
        method: 'POST',
        dispatcher: this.#dispatcher,
        headers: { 'content-type': 'application/json', 'x-request-id': outcome.id, ...spec.headers },
        body: JSON.stringify(spec.body),
      });
      outcome.status = response.statusCode;
      outcome.headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
      const text = await response.body.text();
      outcome.complete = isComplete(text, outcome);
      if (!outcome.complete || response.statusCode >= 300) outcome.body = text;
    } catch (error) {
      outcome.error = errorCode(error);
    }
  }
}

function isComplete(text: string, outcome: LoadOutcome): boolean {
  if ((outcome.headers['content-type'] ?? '').startsWith('text/event-stream')) {
    // Every stream ends with exactly one `done` or `error` event (README, Streaming).
    return /(^|\n)event: (done|error)\ndata: [^\n]*\n\n$/.test(text);
  }
  try {
    const body = JSON.parse(text) as { request_id?: unknown };
    return body.request_id === outcome.id;
  } catch {
    return false;
  }
}

function errorCode(error: unknown): string {
  if (error instanceof Error) {
    const withCode = error as Error & { code?: unknown; cause?: unknown };
    if (typeof withCode.code === 'string') return withCode.code;
    if (withCode.cause !== undefined) return errorCode(withCode.cause);
    return error.name;
  }
  return String(error);
}
