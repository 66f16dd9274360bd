import { SseDecoder } from '../../src/providers/http/sse-decoder.js';
import type { JsonBody } from './gateway-harness.js';

/** One event as a client receives it: its name (`message` when unnamed), the raw data, and the data as JSON when it is. */
export interface ReceivedEvent {
  readonly event: string;
  readonly data: string;
  readonly json: JsonBody;
}

/**
 * A streaming response read event by event, the way a browser's EventSource would, so tests
 * can assert on what arrived before the upstream finished. `next()` resolves with the next
 * complete event, or undefined at the end of the body.
 */
export class SseReader {
  #body: AsyncIterator<Uint8Array> | undefined;
  readonly #decoder = new SseDecoder();
  readonly #ready: ReceivedEvent[] = [];
  #ended = false;
  readonly received: ReceivedEvent[] = [];

  /** The body is read only once `next()` is called, so an error answer can still be read with `response.json()`. */
  constructor(readonly response: Response) {}

  async next(): Promise<ReceivedEvent | undefined> {
    while (this.#ready.length === 0 && !this.#ended) {
      if (!this.response.body) throw new Error('the response has no body');
      this.#body ??= this.response.body[Symbol.asyncIterator]();
      const chunk = await this.#body.next();
      if (chunk.done) {
        this.#ended = true;
        break;
      }
      for (const message of this.#decoder.push(chunk.value)) {
        this.#ready.push({ event: message.event ?? 'message', data: message.data, json: parse(message.data) });
      }
    }
    const event = this.#ready.shift();
    if (event) this.received.push(event);
    return event;
  }

  /** Every remaining event, to the end of the body. */
  async rest(): Promise<ReceivedEvent[]> {
    const events: ReceivedEvent[] = [];
    for (let event = await this.next(); event; event = await this.next()) events.push(event);
    return events;
  }
}

/** POSTs `body` as JSON and returns the response with a reader; `signal` lets a test hang up. */
export async function postForEvents(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<SseReader> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return new SseReader(response);
}

function parse(data: string): JsonBody {
  try {
    return JSON.parse(data) as JsonBody;
  } catch {
    return undefined;
  }
}
