import type { AgentResponse } from '../../executor/agent-response.js';
import type { HttpProblem } from '../problem.js';
import { sseFrame } from '../streaming/sse-frame.js';
import type { StreamWireFormat } from '../streaming/stream-frames.js';
import { ResponsesOutput } from './responses-output.js';
import type { ResponsesStreamEvent } from './responses-types.js';
import { responsesObject, toResponsesError, toResponsesOutcome, toResponsesUsage, type ResponsesHead } from './to-responses-response.js';

/**
 * A streamed response as OpenAI sends it: `event: <type>` / `data: {..., "sequence_number"}`
 * frames, numbered from 0, in this order:
 *
 * ```
 * response.created, response.in_progress           (the response, in_progress, no output yet)
 * per message:   response.output_item.added, response.content_part.added,
 *                response.output_text.delta ..., response.output_text.done,
 *                response.content_part.done, response.output_item.done
 * per tool call: response.output_item.added (function_call with call_id and name),
 *                response.function_call_arguments.delta ..., .done, response.output_item.done
 * response.completed                               (or response.incomplete: the token limit)
 * ```
 *
 * with the whole response (its output, usage and status) in the last one. A failure after the
 * stream opened ends it with `response.failed` (status `failed`, `error: {code, message}`, the
 * output written so far), never with `response.completed`, so a cut answer cannot pass for a
 * whole one. See `ResponsesOutput` for how items open and close.
 */
export function responsesEventFormat(head: ResponsesHead, requestId: string): StreamWireFormat {
  let sequence = 0;
  let pending = '';
  const write = (event: ResponsesStreamEvent): void => {
    pending += sseFrame({ type: event.type, sequence_number: sequence++, ...withoutType(event) }, event.type);
  };
  const flush = (): string => {
    const text = pending;
    pending = '';
    return text;
  };
  const output = new ResponsesOutput(requestId, write);
  return {
    start: () => {
      const response = responsesObject(head, { status: 'in_progress', output: [] });
      write({ type: 'response.created', response });
      write({ type: 'response.in_progress', response });
      return flush();
    },
    delta: (text: string) => {
      output.text(text);
      return flush();
    },
    toolCallStart: (index, id, name) => {
      output.callStart(index, id, name);
      return flush();
    },
    toolCallDelta: (index, argumentsDelta) => {
      output.callDelta(index, argumentsDelta);
      return flush();
    },
    toolCallEnd: (index) => {
      output.callEnd(index);
      return flush();
    },
    done: (response: AgentResponse) => {
      const { status, incompleteDetails } = toResponsesOutcome(response.finish_reason);
      const items = output.finish(status);
      const whole = responsesObject(head, { status, output: items, usage: toResponsesUsage(response.usage), incompleteDetails });
      write({ type: status === 'completed' ? 'response.completed' : 'response.incomplete', response: whole });
      return flush();
    },
    error: (problem: HttpProblem) => {
      write({ type: 'response.failed', response: responsesObject(head, { status: 'failed', output: output.abandon(), error: toResponsesError(problem) }) });
      return flush();
    },
  };
}

/** An event's fields after `type` (which the frame writes first, as OpenAI does). */
function withoutType(event: ResponsesStreamEvent): Omit<ResponsesStreamEvent, 'type'> {
  const { type: _type, ...rest } = event;
  return rest;
}
