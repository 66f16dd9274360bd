import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// The wire-format-agnostic half of the mock upstreams: the HTTP server, socket tracking,
// request recording and the behaviour queue. The Anthropic and OpenAI halves (`MockDialect`)
// only turn a request into bodies and SSE frames. See mock-upstreams.ts for the API.

/** One request the mock received, as tests assert on it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body (the raw text if it was not JSON). */
  readonly body: unknown;
  /** 1 for the first TCP connection, 2 for the next...: equal numbers mean a reused socket. */
  readonly connection: number;
  /** 1 for the first request since the mock started (or was reset), 2 for the next... */
  readonly serial: number;
  /** The behaviour that answered it. */
  behaviour: MockBehaviour['kind'];
  /** True once the client closed the connection before the mock finished answering. */
  aborted: boolean;
  /** True once the mock wrote its whole answer. */
  finished: boolean;
  /** True while the answer is held by `pauseAfterDeltas`, until `resume()`. */
  paused: boolean;
}

/** A tool call the mock answers with, in the dialect's wire shape. */
export interface MockToolCall {
  /** Default: `call_mock<serial>_<n>` (OpenAI) / `toolu_mock<serial>_<n>` (Anthropic). */
  readonly id?: string;
  readonly name: string;
  /**
   * JSON text or a value (default `{}`). OpenAI sends text verbatim (so broken JSON can be
   * tested); Anthropic sends `input` as an object, so text must parse to one.
   */
  readonly arguments?: string | Readonly<Record<string, unknown>>;
}

/**
 * The deterministic answer. By default the dialect derives it from the request: the text of
 * the tool results when the last turn carries them, a call of the forced tool when the
 * request forces one (`tool_choice` naming a tool, or `required` / `any`: the first tool),
 * a JSON value of the schema for an OpenAI `response_format`, else `echo: <last user message>`.
 */
export interface ReplyOptions {
  /** The answer text (default: see above). With `toolCalls`, the text written before them (default none). */
  readonly text?: string;
  /** Answer with these tool calls (finish `tool_calls` / `tool_use` unless `finish` says otherwise). */
  readonly toolCalls?: readonly MockToolCall[];
  /** (OpenAI streams) interleave the argument pieces of parallel calls, as some compatible servers do. */
  readonly interleaveToolCalls?: boolean;
  /** The model reported (default: the requested one). */
  readonly model?: string;
  /** The wire stop/finish reason (default `end_turn` / `stop`, or the tool-call one). */
  readonly finish?: string;
  /** (Anthropic) the `stop_sequence` reported (finish defaults to `stop_sequence` with it). */
  readonly stopSequence?: string;
  /**
   * Token counts (default: words of the prompt / of the text); `false` sends no usage at all.
   * `cacheRead` / `cacheWrite`: prompt-cache counts (OpenAI `cached_tokens`; Anthropic
   * `cache_read_input_tokens` / `cache_creation_input_tokens`).
   */
  readonly usage?: { readonly input: number; readonly output: number; readonly cacheRead?: number; readonly cacheWrite?: number } | false;
  /** Pause between SSE frames. */
  readonly chunkDelayMs?: number;
  /** (Streams) send the head and this many text deltas, then hold the rest until `resume()`. */
  readonly pauseAfterDeltas?: number;
}

/** Options of an HTTP error answer, in the provider's real error shape. */
export interface ErrorOptions {
  readonly status: number;
  /** The error `type` (default: the real one for the status, e.g. `rate_limit_error`). */
  readonly type?: string;
  /** OpenAI's error `code` (default: the real one for the status, or null). */
  readonly code?: string | null;
  /** The error text; a function sees the request (e.g. to echo a key back, as some servers do). */
  readonly message?: string | ((request: RecordedRequest) => string);
  /** `Retry-After` header value, e.g. `'2'` or an HTTP date. */
  readonly retryAfter?: string;
  /** `retry-after-ms` header value. */
  readonly retryAfterMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** How the mock answers one request. Every kind accepts `delayMs`: a pause before anything is sent. */
export type MockBehaviour = { readonly delayMs?: number } & (
  | ({ readonly kind: 'reply' } & ReplyOptions)
  | ({ readonly kind: 'error' } & ErrorOptions)
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'malformed' }
  | ({ readonly kind: 'truncate'; readonly afterDeltas?: number; readonly graceful?: boolean } & ReplyOptions)
  | ({ readonly kind: 'stream-error'; readonly afterDeltas?: number; readonly type?: string } & ReplyOptions)
  | { readonly kind: 'raw'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body: string }
);

/** A behaviour, or a function of the request that picks one (to answer by what the request carries). */
export type MockAnswer = MockBehaviour | ((request: RecordedRequest) => MockBehaviour);

/** What a wire format contributes: paths, bodies and SSE frames (each ending in a blank line). */
export interface MockDialect {
  /** The request path it serves, e.g. `/v1/messages`. */
  readonly path: string;
  /** The path prefix of the base URL an adapter is configured with (`''` or `/v1`). */
  readonly basePath: string;
  replyJson(request: RecordedRequest, options: ReplyOptions): unknown;
  /** The stream's frames, split where deltas start: `head`, one frame per text or tool-call delta, `tail`. */
  replyFrames(request: RecordedRequest, options: ReplyOptions): { head: string[]; deltas: string[]; tail: string[] };
  errorBody(request: RecordedRequest, options: ErrorOptions): unknown;
  streamErrorFrame(type: string | undefined): string;
  malformedFrame(): string;
}

/** The shared machinery behind `startMockAnthropic` / `startMockOpenAI`. */
export class MockUpstreamServer {
  readonly requests: RecordedRequest[] = [];
  /** The standing behaviour when nothing is scripted (a function: decided per request). */
  mode: MockAnswer = { kind: 'reply' };
  url = '';
  port = 0;
  readonly #queue: MockAnswer[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #waiters = new Set<() => void>();
  readonly #held = new Set<() => void>();
  readonly #server = createServer((req, res) => void this.#handle(req, res).catch(() => res.destroy()));
  readonly #dialect: MockDialect;
  #connections = 0;
  #serial = 0;
  #shuttingDown = false;

  constructor(dialect: MockDialect) {
    this.#dialect = dialect;
    this.#server.on('connection', (socket) => {
      this.#connections += 1;
      connectionIds.set(socket, this.#connections);
      this.#sockets.add(socket);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        this.#changed();
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}${this.#dialect.basePath}`;
  }

  /** Queues behaviours (or functions of the request) for the next requests, in order; later requests fall back to `mode`. */
  script(...behaviours: MockAnswer[]): void {
    this.#queue.push(...behaviours);
  }

  /** The parsed bodies of every request received, in order: what went upstream. */
  get bodies(): unknown[] {
    return this.requests.map((request) => request.body);
  }

  get openSockets(): number {
    return this.#sockets.size;
  }

  /** Resolves once `predicate` holds (checked on every request, answer and socket close). */
  until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`mock upstream: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  /** Lets every answer held by `pauseAfterDeltas` go on. */
  resume(): void {
    for (const release of [...this.#held]) release();
    this.#held.clear();
  }

  /** Forgets requests (serials start at 1 again) and scripted behaviours, and sets `mode` back to replying. */
  reset(): void {
    this.requests.length = 0;
    this.#serial = 0;
    this.#queue.length = 0;
    this.mode = { kind: 'reply' };
  }

  /** Destroys every open socket and stops listening. */
  async close(): Promise<void> {
    this.#shuttingDown = true;
    this.resume();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Resolves on `resume()` (or when the mock closes). */
  #hold(record: RecordedRequest): Promise<void> {
    record.paused = true;
    this.#changed();
    return new Promise((resolve) => {
      this.#held.add(() => {
        record.paused = false;
        resolve();
      });
    });
  }

  #changed(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const next = this.#queue.shift() ?? this.mode;
    this.#serial += 1;
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: parseBody(raw),
      connection: connectionIds.get(req.socket) ?? 0,
      serial: this.#serial,
      behaviour: 'reply',
      aborted: false,
      finished: false,
      paused: false,
    };
    const behaviour = typeof next === 'function' ? next(record) : next;
    record.behaviour = behaviour.kind;
    let closing = false;
    res.on('close', () => {
      if (!res.writableFinished && !closing && !this.#shuttingDown) record.aborted = true;
      this.#changed();
    });
    res.on('finish', () => {
      record.finished = true;
      this.#changed();
    });
    this.requests.push(record);
    this.#changed();

    const reply = new Replier(res, () => (closing = true));
    if (req.method !== 'POST' || new URL(record.path, 'http://mock').pathname !== this.#dialect.path) {
      return reply.json(404, this.#dialect.errorBody(record, { status: 404 }));
    }
    if (behaviour.delayMs) await reply.sleep(behaviour.delayMs);
    if (reply.gone) return;
    await this.#answer(record, behaviour, reply);
  }

  async #answer(record: RecordedRequest, behaviour: MockBehaviour, reply: Replier): Promise<void> {
    const dialect = this.#dialect;
    const streaming = isRecord(record.body) && record.body.stream === true;
    switch (behaviour.kind) {
      case 'reply': {
        if (!streaming) return reply.json(200, dialect.replyJson(record, behaviour));
        const frames = dialect.replyFrames(record, behaviour);
        if (behaviour.pauseAfterDeltas === undefined) return reply.frames(flatten(frames), behaviour.chunkDelayMs);
        // Hold after the head and N deltas, until the test says resume().
        const at = frames.head.length + behaviour.pauseAfterDeltas;
        return reply.frames(flatten(frames), behaviour.chunkDelayMs, 'end', { at, hold: () => this.#hold(record) });
      }
      case 'error': {
        const headers: Record<string, string> = { ...behaviour.headers };
        if (behaviour.retryAfter !== undefined) headers['retry-after'] = behaviour.retryAfter;
        if (behaviour.retryAfterMs !== undefined) headers['retry-after-ms'] = String(behaviour.retryAfterMs);
        return reply.json(behaviour.status, dialect.errorBody(record, behaviour), headers);
      }
      case 'hang':
        return; // until the client gives up or close() destroys the socket
      case 'reset':
        return reply.destroy();
      case 'malformed':
        if (!streaming) return reply.raw(200, { 'content-type': 'application/json' }, '{"id": "broken", "content": [');
        return reply.frames([dialect.malformedFrame()], 0);
      case 'truncate': {
        const { head, deltas } = dialect.replyFrames(record, behaviour);
        const kept = [...head, ...deltas.slice(0, behaviour.afterDeltas ?? 2)];
        if (!streaming) return reply.truncatedJson(JSON.stringify(dialect.replyJson(record, behaviour)), behaviour.graceful);
        return reply.frames(kept, behaviour.chunkDelayMs, behaviour.graceful ? 'end' : 'destroy');
      }
      case 'stream-error': {
        if (!streaming) return reply.json(500, dialect.errorBody(record, { status: 500, ...(behaviour.type ? { type: behaviour.type } : {}) }));
        const { head, deltas } = dialect.replyFrames(record, behaviour);
        const frames = [...head, ...deltas.slice(0, behaviour.afterDeltas ?? 1), dialect.streamErrorFrame(behaviour.type)];
        return reply.frames(frames, behaviour.chunkDelayMs);
      }
      case 'raw':
        return reply.raw(behaviour.status, behaviour.headers ?? {}, behaviour.body);
      default: {
        const unreachable: never = behaviour;
        return unreachable;
      }
    }
  }
}

const connectionIds = new WeakMap<Socket, number>();

/** Writes one answer, and stops quietly once the client is gone. */
class Replier {
  private readonly res: ServerResponse;
  /** Tells the recorder that the mock itself is closing the connection (not an abort). */
  private readonly markClosing: () => void;

  constructor(res: ServerResponse, markClosing: () => void) {
    this.res = res;
    this.markClosing = markClosing;
  }

  get gone(): boolean {
    return this.res.destroyed;
  }

  /** Waits `ms`, or less if the client goes away meanwhile. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.res.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.res.once('close', done);
    });
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.raw(status, { 'content-type': 'application/json', ...headers }, JSON.stringify(body));
  }

  raw(status: number, headers: Readonly<Record<string, string>>, body: string): void {
    this.res.writeHead(status, headers).end(body);
  }

  destroy(): void {
    this.markClosing();
    this.res.socket?.destroy();
  }

  /** Promises a full body (content-length), sends half of it, then closes. */
  truncatedJson(body: string, graceful = false): void {
    this.res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    this.res.write(body.slice(0, Math.floor(body.length / 2)), () => (graceful ? this.res.socket?.end() : this.destroy()));
    this.markClosing();
  }

  /**
   * Sends SSE frames with `delayMs` between them, then ends the response (or cuts the socket);
   * with `pause`, waits on `pause.hold()` before frame number `pause.at` (or until the client leaves).
   */
  async frames(frames: readonly string[], delayMs = 0, ending: 'end' | 'destroy' = 'end', pause?: { at: number; hold: () => Promise<void> }): Promise<void> {
    this.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    this.res.flushHeaders();
    for (const [index, frame] of frames.entries()) {
      if (index > 0 && delayMs > 0) await this.sleep(delayMs);
      if (pause && index === pause.at) await Promise.race([pause.hold(), new Promise((resolve) => this.res.once('close', resolve))]);
      if (this.gone) return;
      await new Promise<void>((resolve) => this.res.write(frame, () => resolve()));
    }
    if (ending === 'destroy') return this.destroy();
    this.res.end();
  }
}

function flatten(frames: { head: string[]; deltas: string[]; tail: string[] }): string[] {
  return [...frames.head, ...frames.deltas, ...frames.tail];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** A JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
