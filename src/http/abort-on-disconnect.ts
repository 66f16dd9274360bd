import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * An `AbortSignal` that fires when the client goes away before we answer (or, for a stream,
 * before the answer is complete), so the upstream call and any pending retry stop instead of
 * spending tokens nobody will read.
 */
export function abortOnDisconnect(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
  });
  request.raw.once('aborted', () => controller.abort(new Error('client disconnected')));
  return controller.signal;
}
