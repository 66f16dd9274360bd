import { readFileSync } from 'node:fs';
import { SseDecoder, type EventSourceMessage } from '../../src/providers/http/sse-decoder.js';
import type { StreamPart } from '../../src/providers/provider.js';

// Wire fixtures (JSON bodies, SSE transcripts) read from the `fixtures/` folder beside an
// adapter's tests, and fed through its pure mapping functions.

/** A JSON fixture, parsed. `base` is the test file's `import.meta.url`. */
export function jsonFixture(base: string, name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, base), 'utf8')) as unknown;
}

/** A fixture file's text (an SSE transcript). */
export function textFixture(base: string, name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, base), 'utf8');
}

/** The server-sent events of an SSE transcript, fed in small byte chunks as a socket would. */
export function sseEvents(transcript: string, chunkBytes = 7): EventSourceMessage[] {
  const decoder = new SseDecoder();
  const bytes = Buffer.from(transcript, 'utf8');
  const events: EventSourceMessage[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) events.push(...decoder.push(bytes.subarray(at, at + chunkBytes)));
  return events;
}

/** A stream reader: one event in, nothing, a part or several out. */
export interface PartReader {
  read(event: EventSourceMessage): StreamPart | readonly StreamPart[] | undefined;
}

/** Every part a reader makes of the events, in order. */
export function readParts(reader: PartReader, events: readonly EventSourceMessage[]): StreamPart[] {
  const parts: StreamPart[] = [];
  for (const event of events) {
    const read = reader.read(event);
    if (read === undefined) continue;
    if (Array.isArray(read)) parts.push(...(read as readonly StreamPart[]));
    else parts.push(read as StreamPart);
  }
  return parts;
}
