import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicBodies, openAIBodies, openAIToolCallBody, type PreparedBodies } from './mock-bodies.js';

/** How the mock answers: a pause before the answer, and between the deltas of a stream. */
export interface MockSettings {
  readonly delayMs: number;
  readonly chunkDelayMs: number;
}

/** Model requests received since the last reset (counted on arrival, before any delay). */
export interface MockStats {
  readonly openai: number;
  readonly anthropic: number;
  readonly streams: number;
  readonly total: number;
}

/** The control routes the harness uses; never counted. */
export const MOCK_CONTROL = {
  stats: '/__bench/stats',
  reset: '/__bench/reset',
  /** POST with `?delay_ms=&chunk_delay_ms=`. */
  settings: '/__bench/settings',
} as const;

interface Dialect {
  readonly bodies: PreparedBodies;
  readonly jsonHeaders: OutgoingHttpHeaders;
  /** Head, every delta and tail in one buffer: the whole stream when there is no chunk delay. */
  readonly wholeStream: Buffer;
  count(): void;
}

const TOOL_CALL_BODY = openAIToolCallBody();
const TOOL_CALL_HEADERS: OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': String(TOOL_CALL_BODY.length) };

const SSE_HEADERS: OutgoingHttpHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/**
 * A mock LLM upstream on plain `node:http`: OpenAI `POST /v1/chat/completions` and Anthropic
 * `POST /v1/messages`, JSON or SSE (by the request's `"stream": true`), with a configurable
 * delay and a request counter. Answers are precomputed; the request body is read (as a real
 * server must) but only searched for the stream flag, never parsed.
 *
 * @example
 * const mock = new MockUpstream({ delayMs: 0, chunkDelayMs: 0 });
 * const port = await mock.listen(0);
 */
export class MockUpstream {
  settings: MockSettings;
  #openai = 0;
  #anthropic = 0;
  #streams = 0;
  readonly #server: Server;
  readonly #dialects: ReadonlyMap<string, Dialect>;

  constructor(settings: MockSettings) {
    this.settings = settings;
    this.#dialects = new Map([
      ['/v1/chat/completions', dialect(openAIBodies(), () => this.#openai++)],
      ['/v1/messages', dialect(anthropicBodies(), () => this.#anthropic++)],
    ]);
    this.#server = createServer((req, res) => this.#handle(req, res));
    // Load generators and the gateway's pool keep their connections for the whole run.
    this.#server.keepAliveTimeout = 120_000;
    this.#server.headersTimeout = 130_000;
  }

  get stats(): MockStats {
    return { openai: this.#openai, anthropic: this.#anthropic, streams: this.#streams, total: this.#openai + this.#anthropic };
  }

  resetStats(): void {
    this.#openai = 0;
    this.#anthropic = 0;
    this.#streams = 0;
  }

  /** Listens on 127.0.0.1; resolves with the port. */
  listen(port: number): Promise<number> {
    return new Promise((resolve) => this.#server.listen(port, '127.0.0.1', () => resolve((this.#server.address() as AddressInfo).port)));
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const target = req.method === 'POST' ? this.#dialects.get(url) : undefined;
    if (target) return this.#answer(target, req, res);
    if (url.startsWith('/__bench/')) return this.#control(url, req, res);
    req.resume();
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
  }

  #answer(target: Dialect, req: IncomingMessage, res: ServerResponse): void {
    target.count();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const streaming = body.includes('"stream":true') || body.includes('"stream": true');
      if (streaming) this.#streams++;
      const send = (): void => {
        if (res.destroyed) return;
        if (streaming) this.#stream(target, res);
        // The tool-loop scenario: offered lookup_order and not answered yet, the model calls it.
        else if (body.includes('"lookup_order"') && !body.includes('"role":"tool"')) res.writeHead(200, TOOL_CALL_HEADERS).end(TOOL_CALL_BODY);
        else res.writeHead(200, target.jsonHeaders).end(target.bodies.json);
      };
      if (this.settings.delayMs > 0) setTimeout(send, this.settings.delayMs);
      else send();
    });
  }

  #stream(target: Dialect, res: ServerResponse): void {
    res.writeHead(200, SSE_HEADERS);
    const pause = this.settings.chunkDelayMs;
    if (pause <= 0) {
      res.end(target.wholeStream);
      return;
    }
    const { streamHead, streamDeltas, streamTail } = target.bodies;
    // The head and the first delta go out together: a model's first token is its first byte.
    res.write(Buffer.concat([streamHead, streamDeltas[0]!]));
    let next = 1;
    const tick = (): void => {
      if (res.destroyed) return;
      if (next < streamDeltas.length) {
        res.write(streamDeltas[next++]!);
        setTimeout(tick, pause);
      } else res.end(streamTail);
    };
    setTimeout(tick, pause);
  }

  #control(url: string, req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const { pathname, searchParams } = new URL(url, 'http://mock');
    if (pathname === MOCK_CONTROL.reset && req.method === 'POST') this.resetStats();
    else if (pathname === MOCK_CONTROL.settings && req.method === 'POST') {
      this.settings = {
        delayMs: Number(searchParams.get('delay_ms') ?? this.settings.delayMs) || 0,
        chunkDelayMs: Number(searchParams.get('chunk_delay_ms') ?? this.settings.chunkDelayMs) || 0,
      };
    } else if (pathname !== MOCK_CONTROL.stats) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...this.stats, settings: this.settings }));
  }
}

function dialect(bodies: PreparedBodies, count: () => void): Dialect {
  return {
    bodies,
    jsonHeaders: { 'content-type': 'application/json', 'content-length': String(bodies.json.length) },
    wholeStream: Buffer.concat([bodies.streamHead, ...bodies.streamDeltas, bodies.streamTail]),
    count,
  };
}
