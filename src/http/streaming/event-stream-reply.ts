import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** The content type of every streamed answer (SSE is UTF-8 by definition; said for proxies and old clients). */
export const EVENT_STREAM_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

/**
 * Whether a request asked for Server-Sent Events: `"stream"` in the body decides when it is
 * there (`false` wins over the header), else `Accept: text/event-stream`.
 */
export function wantsEventStream(stream: boolean | undefined, accept: string | undefined): boolean {
  if (stream !== undefined) return stream;
  return accept !== undefined && /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(accept);
}

/**
 * Sends `frames` as a `text/event-stream` response, each frame written to the socket the
 * moment it is produced: Nagle's algorithm is off for the connection, nothing is serialized
 * or compressed (Fastify passes a stream through; `@fastify/compress`, if a host app adds it,
 * leaves event streams alone), and `X-Accel-Buffering: no` and `Cache-Control: no-cache` keep
 * nginx and other proxies from holding frames back. Headers set earlier on `reply`
 * (`X-Request-Id`, `X-Cache`, `RateLimit-*`) go out with the first frame. A client that
 * disconnects destroys the stream, which closes the `frames` generator.
 */
export function sendEventStream(reply: FastifyReply, frames: AsyncIterable<string>): FastifyReply {
  const socket: Partial<Socket> | undefined = reply.request.raw.socket;
  // Node's server already defaults to no delay; said here because this route depends on it.
  // (An injected request's socket is a stand-in without the method.)
  if (typeof socket?.setNoDelay === 'function') socket.setNoDelay(true);
  reply.header('content-type', EVENT_STREAM_CONTENT_TYPE).header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
  return reply.send(Readable.from(frames, { objectMode: false }));
}
