import type { AgentResponse } from '../../executor/agent-response.js';
import type { AgentStreamStart } from '../../executor/agent-stream-event.js';
import { problemDocument, type HttpProblem } from '../problem.js';
import { sseFrame } from './sse-frame.js';
import type { StreamWireFormat } from './stream-frames.js';

/**
 * The SSE events of `POST /v1/agents/{name}/execute` with `"stream": true`:
 *
 * ```
 * event: start   data: {"request_id", "agent": {name, version}, "provider", "model"}
 * event: delta   data: {"text"}                      (as many as the answer takes)
 * event: done    data: {"request_id", "provider", "model", "usage", "finish_reason",
 *                       "fallback_used", "attempts", "cached", "duration_ms"}
 * event: error   data: a problem+json document       (instead of done, after a failure midway)
 * ```
 */
export function agentSseFormat(url: string, requestId: string): StreamWireFormat {
  return {
    start: (start: AgentStreamStart) => sseFrame({ request_id: start.request_id, agent: start.agent, provider: start.provider, model: start.model }, 'start'),
    delta: (text: string) => sseFrame({ text }, 'delta'),
    done: (response: AgentResponse) => {
      const { output: _output, agent: _agent, ...summary } = response;
      return sseFrame(summary, 'done');
    },
    error: (problem: HttpProblem) => sseFrame(problemDocument(problem, url, requestId), 'error'),
  };
}
