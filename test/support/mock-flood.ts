import type { ServerResponse } from 'node:http';
import type { MockDialect, RecordedRequest } from './mock-upstream-server.js';

const sent = new WeakMap<RecordedRequest, number>();

/** Body bytes a `flood` answer wrote for `record` before it ended or the client hung up. */
export function floodBytesSent(record: RecordedRequest): number {
  return sent.get(record) ?? 0;
}

/**
 * The `flood` behaviour of the mock upstreams, the hostile upstream of the size bound: a 200
 * answer of about `bytes` (a JSON message whose text is that long, or that many bytes of SSE
 * text deltas), written piece by piece as the socket drains, never held whole, stopping when
 * the client hangs up (`floodBytesSent(record)` says how much went out). `declared`: with a
 * Content-Length (JSON only), so a client can refuse it from the header.
 */
export async function pourFlood(res: ServerResponse, dialect: MockDialect, record: RecordedRequest, streaming: boolean, behaviour: { bytes: number; declared?: boolean }): Promise<void> {
  const headers: Record<string, string> = { 'content-type': streaming ? 'text/event-stream; charset=utf-8' : 'application/json' };
  if (!streaming && behaviour.declared) headers['content-length'] = String(behaviour.bytes);
  res.writeHead(200, headers);
  for (const piece of floodPieces(dialect, record, streaming, behaviour.bytes)) {
    if (res.destroyed) return;
    sent.set(record, (sent.get(record) ?? 0) + piece.length);
    if (!res.write(piece)) await drainOrClose(res);
  }
  if (!res.destroyed) res.end();
}

/** Resolves at the next `drain` or at `close`, whichever comes first, and leaves no listener behind (thousands of waits per answer). */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/** The pieces of a `flood` answer of about `bytes`: a JSON message with a huge text, or SSE frames of text deltas. */
function* floodPieces(dialect: MockDialect, record: RecordedRequest, streaming: boolean, bytes: number): Generator<string, void, undefined> {
  if (streaming) {
    const { head, deltas, tail } = dialect.replyFrames(record, { text: 'x'.repeat(1000) });
    yield* head;
    for (let sent = 0; sent < bytes; sent += deltas[0]!.length) yield deltas[0]!;
    yield* tail;
    return;
  }
  const marker = 'FLOOD-MARKER';
  const [before, after] = JSON.stringify(dialect.replyJson(record, { text: marker })).split(marker) as [string, string];
  const fill = bytes - before.length - after.length;
  yield before;
  const piece = 'x'.repeat(64 * 1024);
  for (let sent = 0; sent < fill; sent += piece.length) yield fill - sent >= piece.length ? piece : piece.slice(0, fill - sent);
  yield after;
}

