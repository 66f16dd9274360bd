import type { Response, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { sseEvents, jsonFixture, textFixture } from '../../../test/support/wire-fixtures.js';
import type { ResponsesResponse, ResponsesStreamEvent } from './responses-types.js';

/** The same shape without `readonly`: the SDK's types are mutable, ours are not. */
type Writable<T> = T extends readonly (infer U)[] ? Writable<U>[] : T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;

// What the gateway writes, assigned to the official SDK's own types: a field that is missing or
// of another type fails the typecheck (`npm test` runs it first). `output_text` is the SDK's
// convenience, computed on the client, never on the wire.
const response: Omit<Response, 'output_text'> = jsonFixture(import.meta.url, 'response-text-and-calls.json') as Writable<ResponsesResponse>;
type WithoutOutputText<E> = E extends { response: Response } ? Omit<E, 'response'> & { response: Omit<Response, 'output_text'> } : E;
const asSdkEvent = (event: ResponsesStreamEvent & { sequence_number: number }): WithoutOutputText<ResponseStreamEvent> => event as Writable<typeof event>;

describe('the Responses wire types', () => {
  it('are the official SDK\'s: a response and every streamed event type-check as its Response and ResponseStreamEvent', () => {
    expect(response.object).toBe('response');
    const events = sseEvents(textFixture(import.meta.url, 'stream-text-and-calls.sse')).map((event) => asSdkEvent(JSON.parse(event.data) as ResponsesStreamEvent & { sequence_number: number }));
    expect(new Set(events.map((event) => event.type)).size).toBe(11);
  });
});
