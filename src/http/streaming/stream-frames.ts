import type { AgentResponse } from '../../executor/agent-response.js';
import type { AgentStreamEvent, AgentStreamStart, AgentStreamToolResult, AgentStreamToolRun } from '../../executor/agent-stream-event.js';
import type { HttpProblem } from '../problem.js';

/**
 * How one protocol writes a streamed answer (the gateway's own SSE events, OpenAI's chunks):
 * each method returns text ready to write, one or more whole frames.
 */
export interface StreamWireFormat {
  start(start: AgentStreamStart): string;
  delta(text: string): string;
  /** A tool call begins (`index`: its position among the answer's calls). May return '' (a format that sends whole calls). */
  toolCallStart(index: number, id: string, name: string): string;
  /** More of the arguments of the call at `index`. May return ''. */
  toolCallDelta(index: number, argumentsDelta: string): string;
  /** The call at `index` is complete. May return ''. */
  toolCallEnd(index: number): string;
  done(response: AgentResponse): string;
  /** A server tool call the gateway runs (the agent loop); absent: not shown. */
  toolRun?(event: AgentStreamToolRun): string;
  /** A server tool call's result; absent: not shown. */
  toolResult?(event: AgentStreamToolResult): string;
  /** The last frame of a stream that failed after it opened. */
  error(problem: HttpProblem): string;
}

/** A stream whose `start` is known: what to announce, and the iterator of the rest. */
export interface OpenedAgentStream {
  readonly start: AgentStreamStart;
  readonly rest: AsyncIterator<AgentStreamEvent>;
}

/**
 * Runs a stream until its `start` event, that is until the first upstream part (or the cache)
 * answered. Nothing is sent to the client before: retries and fallbacks happen meanwhile, and
 * a failure of every provider is thrown here, to be answered with its own status (503
 * problem+json, not a 200 whose stream holds an error), and `start` names the provider that
 * actually serves.
 */
export async function openAgentStream(events: AsyncIterable<AgentStreamEvent>): Promise<OpenedAgentStream> {
  const rest = events[Symbol.asyncIterator]();
  const first = await rest.next();
  if (first.done || first.value.type !== 'start') {
    await rest.return?.();
    throw new Error('an agent stream must begin with a start event');
  }
  return { start: first.value, rest };
}

/** How `streamFrames` writes, reports the first token, and turns a failure into a problem. */
export interface StreamFramesOptions {
  readonly format: StreamWireFormat;
  /** Called once, just before the first text (or tool call) is handed to the socket (`stream.first_token`). */
  readonly onFirstText: () => void;
  /** The client's signal: once it fired, nobody is left to tell about a failure. */
  readonly signal: AbortSignal;
  readonly toProblem: (error: unknown) => HttpProblem;
}

/**
 * The frames of an opened stream, each produced as its event arrives: `start`, one frame per
 * `delta` and tool-call event (a format may hold a call back until it is whole), the `done`
 * frame(s). `start` goes out in one write with the first delta: both are
 * known at the same moment (the first upstream part; the agent stream yields its delta right
 * after `start`, with no wait between), and one packet instead of two puts the first token on
 * the wire sooner. A failure after the stream opened ends it with the format's `error` frame
 * and never with `done`, so a cut answer cannot pass for a complete one. Closing the generator
 * early (the client disconnected) closes the agent stream, which stops the upstream call.
 */
export async function* streamFrames(opened: OpenedAgentStream, options: StreamFramesOptions): AsyncGenerator<string, void, undefined> {
  const { format } = options;
  const { rest } = opened;
  let ended = false;
  let start = format.start(opened.start);
  try {
    let firstText = true;
    for (let step = await rest.next(); !step.done; step = await rest.next()) {
      const event = step.value;
      let frame: string;
      switch (event.type) {
        case 'delta':
        case 'tool_call_start':
          if (firstText) {
            firstText = false;
            options.onFirstText();
          }
          frame = event.type === 'delta' ? format.delta(event.text) : format.toolCallStart(event.index, event.id, event.name);
          break;
        case 'tool_call_delta':
          frame = format.toolCallDelta(event.index, event.arguments);
          break;
        case 'tool_call_end':
          frame = format.toolCallEnd(event.index);
          break;
        case 'tool_run':
          frame = format.toolRun?.(event) ?? '';
          break;
        case 'tool_result':
          frame = format.toolResult?.(event) ?? '';
          break;
        case 'done':
          frame = format.done(event.response);
          break;
        default:
          continue;
      }
      // A format that holds a tool call back still announces the stream at once.
      if (frame === '' && start === '') continue;
      yield start + frame;
      start = '';
    }
    ended = true;
  } catch (error) {
    ended = true;
    if (!options.signal.aborted) yield start + format.error(options.toProblem(error));
  } finally {
    if (!ended) await rest.return?.();
  }
}
