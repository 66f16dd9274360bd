import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

export type { EventSourceMessage };

/**
 * Bytes in, complete server-sent events out. An event is complete at its blank line, so an
 * event cut off by a closed connection is never returned (that is how truncation shows).
 *
 * @example
 * const decoder = new SseDecoder();
 * decoder.push(Buffer.from('event: ping\ndata: {}\n\n')); // [{ event: 'ping', data: '{}' }]
 */
export class SseDecoder {
  readonly #text = new TextDecoder();
  readonly #ready: EventSourceMessage[] = [];
  readonly #parser: EventSourceParser = createParser({ onEvent: (event) => this.#ready.push(event) });

  /** Feeds one chunk of the body; returns the events it completed, in order. */
  push(chunk: Uint8Array | string): EventSourceMessage[] {
    this.#parser.feed(typeof chunk === 'string' ? chunk : this.#text.decode(chunk, { stream: true }));
    return this.#ready.splice(0);
  }
}
