import { Pool, type Dispatcher } from 'undici';
import { ProviderError } from '../provider-error.js';
import { SseDecoder, type EventSourceMessage } from './sse-decoder.js';
import {
  abortedError,
  fromTransportError,
  httpStatusError,
  invalidResponse,
  responseTooLarge,
  timeoutError,
  upstreamErrorCode,
} from './upstream-error.js';

/** How an adapter reaches its upstream. */
export interface UpstreamClientOptions {
  /** The provider's configured name; every error message starts with it. */
  readonly provider: string;
  /** Origin plus an optional path prefix, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /** Per attempt: the whole exchange for JSON; for a stream, each wait for upstream bytes. */
  readonly timeoutMs: number;
  /** Keep-alive connections to the upstream (default 64). */
  readonly maxConnections?: number;
  /**
   * Largest answer body read, JSON or a whole stream (default 32 MiB): past it the attempt
   * fails, not retryable, and no more than this is ever held in memory.
   */
  readonly maxResponseBytes?: number;
}

/** One POST of a JSON body. */
export interface UpstreamRequest {
  /** Appended to the base URL's path, e.g. `/v1/messages`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Serialised with `JSON.stringify`, unless `json` is given. */
  readonly body?: unknown;
  /** The body already serialised (an adapter that keeps its constant part serialised). */
  readonly json?: string;
  /** The caller's signal: aborting it aborts the in-flight request. */
  readonly signal: AbortSignal;
  /** Absolute deadline (epoch ms) of the whole call; an attempt never runs past it. */
  readonly deadline?: number | undefined;
}

const DEFAULT_MAX_CONNECTIONS = 64;
/** The default of `providers.<name>.max_response_bytes`: far above any real answer, far below what hurts. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/** Error bodies (and bytes after a stream's end) are read up to this, then discarded. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** How long a finished stream's trailing bytes may take before the socket is given up. */
const DRAIN_TIMEOUT_MS = 1_000;

/**
 * A small HTTP client for one upstream: JSON POSTs over one keep-alive undici `Pool`, answered
 * as JSON or as server-sent events. Every failure leaves as a `ProviderError`, classified once
 * here; every response body is read to its end or destroyed, so no socket leaks.
 *
 * @example
 * const client = new UpstreamClient({ provider: 'openai', baseUrl: 'https://api.openai.com/v1', timeoutMs: 30_000 });
 * const json = await client.postJson({ path: '/chat/completions', headers, body, signal });
 */
export class UpstreamClient {
  readonly #provider: string;
  readonly #pool: Pool;
  readonly #pathPrefix: string;
  readonly #search: string;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;

  constructor(options: UpstreamClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`${options.provider}: base URL must be http(s), got ${url.protocol}`);
    }
    this.#provider = options.provider;
    this.#pathPrefix = url.pathname.replace(/\/+$/, '');
    this.#search = url.search;
    this.#timeoutMs = options.timeoutMs;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    // undici's own header/body timeouts are off: the attempt timer below is the one timeout,
    // so a long `timeoutMs` is not cut short by undici's 300 s defaults.
    this.#pool = new Pool(url.origin, {
      connections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /** POSTs `request.body` and returns the parsed 2xx JSON body. Rejects with a `ProviderError`. */
  async postJson(request: UpstreamRequest): Promise<unknown> {
    const attempt = new Attempt(this.#provider, this.#timeoutMs, request);
    let response: Dispatcher.ResponseData | undefined;
    try {
      attempt.arm();
      const sent = request.json ?? JSON.stringify(request.body);
      response = await this.#send(request, sent, attempt.signal, 'application/json');
      await this.#rejectErrorStatus(response, [...Object.values(request.headers), sent]);
      attempt.bodyStarted = true;
      const text = await this.#readBounded(response);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        // No cause: a SyntaxError quotes the body, which may hold the prompt.
        throw invalidResponse(this.#provider, 'malformed JSON body');
      }
    } catch (error) {
      throw attempt.toProviderError(error);
    } finally {
      attempt.end();
      if (response && !response.body.readableEnded) response.body.destroy();
    }
  }

  /**
   * POSTs `request.body` and yields the server-sent events of the 2xx answer, up to and
   * including the first for which `isTerminal` holds, or until the body ends: whether the
   * stream ended properly is for the adapter to judge. Stopping the iteration before the
   * terminal event destroys the response (the upstream stops generating); after it, the rest
   * of the body (normally just the chunked-encoding end) is read so the connection is reused.
   */
  async *postSse(
    request: UpstreamRequest,
    isTerminal: (event: EventSourceMessage) => boolean,
  ): AsyncGenerator<EventSourceMessage, void, undefined> {
    const attempt = new Attempt(this.#provider, this.#timeoutMs, request);
    let response: Dispatcher.ResponseData | undefined;
    let chunks: AsyncIterator<Buffer> | undefined;
    let terminalSeen = false;
    try {
      attempt.arm();
      const sent = request.json ?? JSON.stringify(request.body);
      response = await this.#send(request, sent, attempt.signal, 'text/event-stream');
      await this.#rejectErrorStatus(response, [...Object.values(request.headers), sent]);
      attempt.disarm();
      attempt.bodyStarted = true;
      const decoder = new SseDecoder();
      chunks = response.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      let received = 0;
      for (;;) {
        // The timer runs only while we wait for the upstream, not while our consumer is busy.
        attempt.arm();
        const next = await chunks.next();
        attempt.disarm();
        if (next.done) return;
        // The whole stream is bounded, so a partial event in the decoder can never grow past it.
        received += next.value.length;
        if (received > this.#maxResponseBytes) throw responseTooLarge(this.#provider, this.#maxResponseBytes);
        for (const event of decoder.push(next.value)) {
          terminalSeen = isTerminal(event);
          yield event;
          if (terminalSeen) return;
        }
      }
    } catch (error) {
      throw attempt.toProviderError(error);
    } finally {
      attempt.end();
      if (response && !response.body.readableEnded) {
        if (terminalSeen && chunks) await drainRest(chunks, response.body);
        else response.body.destroy();
      }
    }
  }

  /** Closes the pool after in-flight requests finish. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.#pool.closed || this.#pool.destroyed) return;
    await this.#pool.close();
  }

  #send(request: UpstreamRequest, body: string, signal: AbortSignal, accept: string): Promise<Dispatcher.ResponseData> {
    return this.#pool.request({
      method: 'POST',
      path: `${this.#pathPrefix}${request.path}${this.#search}`,
      headers: { 'content-type': 'application/json', accept, ...request.headers },
      body,
      signal,
    });
  }

  /**
   * The 2xx body as text, never holding more than `maxResponseBytes`: refused from its
   * Content-Length before a byte is read, or as soon as it grows past the bound.
   */
  async #readBounded(response: Dispatcher.ResponseData): Promise<string> {
    const limit = this.#maxResponseBytes;
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) throw responseTooLarge(this.#provider, limit);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw responseTooLarge(this.#provider, limit);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }

  /** Throws the status error for a non-2xx answer, after reading (a bounded part of) its body. */
  async #rejectErrorStatus(response: Dispatcher.ResponseData, sent: readonly string[]): Promise<void> {
    const { statusCode, headers, body } = response;
    if (statusCode >= 200 && statusCode < 300) return;
    let code: string | undefined;
    try {
      const text = await readAtMost(body, MAX_ERROR_BODY_BYTES);
      code = upstreamErrorCode(JSON.parse(text), sent);
    } catch {
      // An unreadable error body still has a status, which is what matters.
    }
    throw httpStatusError(this.#provider, statusCode, headers, code);
  }
}

/** Reads a body up to `limit` bytes, destroying it if there is more. */
async function readAtMost(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads what follows a stream's terminal event (usually just the end of the chunked body) so
 * the socket returns to the pool; gives up, destroying the body, past a size or a time limit.
 */
async function drainRest(chunks: AsyncIterator<Buffer>, body: Dispatcher.ResponseData['body']): Promise<void> {
  const timer = setTimeout(() => body.destroy(), DRAIN_TIMEOUT_MS).unref();
  try {
    for (let size = 0; size <= MAX_ERROR_BODY_BYTES; ) {
      const next = await chunks.next();
      if (next.done) return;
      size += next.value.length;
    }
    body.destroy();
  } catch {
    // Destroyed meanwhile: the socket is gone, nothing to return to the pool.
  } finally {
    clearTimeout(timer);
  }
}

const TIMED_OUT = Symbol('timed out');

/** One attempt's signal: the caller's signal and the attempt timer, and which of them fired. */
class Attempt {
  readonly #controller = new AbortController();
  readonly #provider: string;
  readonly #caller: AbortSignal;
  readonly #budgetMs: number;
  readonly #byDeadline: boolean;
  #timer: NodeJS.Timeout | undefined;
  #timedOut = false;
  /** Set once a 2xx status line arrived. */
  bodyStarted = false;

  constructor(provider: string, timeoutMs: number, request: UpstreamRequest) {
    this.#provider = provider;
    this.#caller = request.signal;
    const left = request.deadline === undefined ? Infinity : request.deadline - Date.now();
    this.#byDeadline = left < timeoutMs;
    this.#budgetMs = Math.max(0, Math.min(timeoutMs, left));
    if (this.#caller.aborted) throw abortedError(provider, this.#caller.reason);
    if (this.#budgetMs === 0) throw timeoutError(provider, 0, true);
    this.#caller.addEventListener('abort', this.#onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** (Re)starts the attempt timer. */
  arm(): void {
    this.disarm();
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort(TIMED_OUT);
    }, this.#budgetMs);
  }

  disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  end(): void {
    this.disarm();
    this.#caller.removeEventListener('abort', this.#onCallerAbort);
  }

  /** Whatever went wrong, as the one `ProviderError` it means. */
  toProviderError(error: unknown): ProviderError {
    if (this.#caller.aborted) return abortedError(this.#provider, this.#caller.reason);
    if (this.#timedOut) return timeoutError(this.#provider, this.#budgetMs, this.#byDeadline);
    if (error instanceof ProviderError) return error;
    return fromTransportError(this.#provider, error, this.bodyStarted);
  }

  readonly #onCallerAbort = (): void => {
    this.#controller.abort(this.#caller.reason);
  };
}
