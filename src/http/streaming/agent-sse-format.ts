import type { AgentResponse, AgentToolCall } from '../../executor/agent-response.js';
import type { AgentStreamStart } from '../../executor/agent-stream-event.js';
import { problemDocument, type HttpProblem } from '../problem.js';
import { sseFrame } from './sse-frame.js';
import type { StreamWireFormat } from './stream-frames.js';

/**
 * The SSE events of `POST /v1/agents/{name}/execute` with `"stream": true`:
 *
 * ```
 * event: start      data: {"request_id", "agent": {name, version}, "provider", "model"}
 * event: delta      data: {"text"}                      (as many as the answer takes)
 * event: tool_call  data: {"index", "id", "name", "arguments"}   (each call, once it is whole)
 * event: done       data: {"request_id", "provider", "model", "usage", "finish_reason",
 *                          "tool_calls"?, "fallback_used", "attempts", "cached", "duration_ms"}
 * event: error      data: a problem+json document       (instead of done, after a failure midway)
 * ```
 *
 * A tool call is sent whole: its arguments are JSON text that is only useful complete, and a
 * client of the native API should not have to join pieces by index. Parallel calls come in
 * the order they complete, each with its `index` (its position in `done`'s `tool_calls`).
 */
export function agentSseFormat(url: string, requestId: string): StreamWireFormat {
  const calls = new Map<number, AgentToolCall>();
  return {
    start: (start: AgentStreamStart) => sseFrame({ request_id: start.request_id, agent: start.agent, provider: start.provider, model: start.model }, 'start'),
    delta: (text: string) => sseFrame({ text }, 'delta'),
    toolCallStart: (index, id, name) => {
      calls.set(index, { id, name, arguments: '' });
      return '';
    },
    toolCallDelta: (index, argumentsDelta) => {
      const call = calls.get(index);
      if (call) call.arguments += argumentsDelta;
      return '';
    },
    toolCallEnd: (index) => {
      const call = calls.get(index);
      if (!call) return '';
      calls.delete(index);
      return sseFrame({ index, ...call }, 'tool_call');
    },
    // A server call is `tool_call` without an `index`, with `run_by: "gateway"`: nothing for the client to run.
    toolRun: ({ id, name, arguments: args, kind }) => sseFrame({ id, name, arguments: args, kind, run_by: 'gateway' }, 'tool_call'),
    toolResult: ({ type: _type, ...result }) => sseFrame(result, 'tool_result'),
    done: (response: AgentResponse) => {
      const { output: _output, agent: _agent, ...summary } = response;
      return sseFrame(summary, 'done');
    },
    error: (problem: HttpProblem) => sseFrame(problemDocument(problem, url, requestId), 'error'),
  };
}
