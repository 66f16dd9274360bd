import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AgentStreamEvent, AgentStreamStart } from '../../executor/agent-stream-event.js';
import type { GatewayServices } from '../gateway-services.js';
import type { HttpProblem } from '../problem.js';
import { sendEventStream } from './event-stream-reply.js';
import { openAgentStream, streamFrames, type StreamWireFormat } from './stream-frames.js';

/** What `streamAgentResponse` needs besides the stream itself. */
export interface StreamResponseOptions {
  /** The client's disconnect signal (the one the execution got). */
  readonly signal: AbortSignal;
  /** The wire format, made once the stream's `start` is known. */
  readonly formatFor: (start: AgentStreamStart) => StreamWireFormat;
  /** Any error as the problem this route answers with. */
  readonly toProblem: (error: unknown) => HttpProblem;
}

/**
 * Answers a request with an agent stream, for every route that streams: holds the status
 * until the stream's `start` (a failure before it is thrown, for the route's error handler
 * to answer with a proper status), then sends `text/event-stream` frames as the events
 * arrive, and dispatches `stream.first_token` (request arrival to first text written) when
 * the first text goes out.
 */
export async function streamAgentResponse(
  gateway: GatewayServices,
  request: FastifyRequest,
  reply: FastifyReply,
  events: AsyncIterable<AgentStreamEvent>,
  options: StreamResponseOptions,
): Promise<FastifyReply> {
  const opened = await openAgentStream(events);
  const { start } = opened;
  // However the response ends, the agent stream is closed (a no-op once it finished): also when
  // the client left before the first frame was pulled, since a generator that never started
  // runs no `finally` when it is closed.
  reply.raw.once('close', () => void opened.rest.return?.().catch(() => undefined));
  const frames = streamFrames(opened, {
    format: options.formatFor(start),
    signal: options.signal,
    toProblem: (error) => {
      const problem = options.toProblem(error);
      // Provider failures are the executor's to log, deliberate problems their decider's; only a bug is logged here.
      if (problem.slug === 'internal-error') request.log.error({ err: error }, 'unhandled error in an open stream');
      return problem;
    },
    onFirstText: () =>
      gateway.events.dispatch({ type: 'stream.first_token', requestId: String(request.id), agent: start.agent.name, provider: start.provider, ttftMs: reply.elapsedTime }),
  });
  return sendEventStream(reply, frames);
}
