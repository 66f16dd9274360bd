import type { AgentResponse } from '../../executor/agent-response.js';
import type { FinishReason } from '../../providers/provider.js';
import type { HttpProblem } from '../problem.js';
import { ResponsesOutput } from './responses-output.js';
import type { ResponsesEcho, ResponsesError, ResponsesIncompleteDetails, ResponsesOutputItem, ResponsesResponse, ResponsesStatus, ResponsesUsage } from './responses-types.js';

/** What every `response` object of one request shares. */
export interface ResponsesHead {
  /** `resp_<request id>`. */
  readonly id: string;
  /** Unix seconds. */
  readonly createdAt: number;
  /** The agent's name, as the client asked for it. */
  readonly model: string;
  readonly echo: ResponsesEcho;
}

/** The response id of a request: `resp_<request id>`, so a client's id finds the gateway's logs and audit records. */
export function responsesId(requestId: string): string {
  return `resp_${requestId}`;
}

/** How an answer that ended for `reason` stands: complete, or cut short (its token limit, the upstream's content filter). */
export function toResponsesOutcome(reason: string): { readonly status: 'completed' | 'incomplete'; readonly incompleteDetails: ResponsesIncompleteDetails | null } {
  switch (reason as FinishReason) {
    case 'length':
      return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } };
    case 'content_filter':
      return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } };
    default:
      // `stop`, `tool_calls`, `other`, and a reason from an older cache entry that is not ours.
      return { status: 'completed', incompleteDetails: null };
  }
}

/**
 * An `AgentResponse.usage` as the Responses API counts: `input_tokens` includes the prompt-cache
 * reads and writes, which the details break out (no reasoning tokens: the gateway reports none).
 */
export function toResponsesUsage(usage: AgentResponse['usage']): ResponsesUsage {
  return {
    input_tokens: usage.input_tokens,
    input_tokens_details: { cached_tokens: usage.cache_read_input_tokens ?? 0, cache_write_tokens: usage.cache_creation_input_tokens ?? 0 },
    output_tokens: usage.output_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.total_tokens,
  };
}

/** A failure after the stream opened, as a `response.failed` carries it. */
export function toResponsesError(problem: HttpProblem): ResponsesError {
  return { code: problem.status === 429 ? 'rate_limit_exceeded' : 'server_error', message: problem.detail };
}

/** The fields of a `response` object that change as it goes. */
export interface ResponsesState {
  readonly status: ResponsesStatus;
  readonly output: readonly ResponsesOutputItem[];
  /** Absent while the response is in progress, and when it failed. */
  readonly usage?: ResponsesUsage;
  readonly incompleteDetails?: ResponsesIncompleteDetails | null;
  readonly error?: ResponsesError | null;
}

/** A `response` object, its keys in the order OpenAI writes them. */
export function responsesObject(head: ResponsesHead, state: ResponsesState): ResponsesResponse {
  const { echo } = head;
  return {
    id: head.id,
    object: 'response',
    created_at: head.createdAt,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incompleteDetails ?? null,
    instructions: echo.instructions,
    max_output_tokens: echo.max_output_tokens,
    model: head.model,
    output: state.output,
    parallel_tool_calls: echo.parallel_tool_calls,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.tool_choice,
    tools: echo.tools,
    top_p: echo.top_p,
    truncation: 'disabled',
    ...(state.usage !== undefined ? { usage: state.usage } : {}),
    ...(echo.user !== undefined ? { user: echo.user } : {}),
    metadata: echo.metadata,
  };
}

/**
 * An agent's answer as a `response`: a `message` item with its text, then a `function_call`
 * item per tool call (`call_id` is the model's id, which the client's `function_call_output`
 * names), the status (`incomplete` with `incomplete_details` when the token limit or a content
 * filter cut it) and the usage. Built by `ResponsesOutput`, as a stream's items are.
 */
export function toResponsesResponse(response: AgentResponse, head: ResponsesHead): ResponsesResponse {
  const { status, incompleteDetails } = toResponsesOutcome(response.finish_reason);
  const output = new ResponsesOutput(response.request_id);
  if (response.output !== '') output.text(response.output);
  response.tool_calls?.forEach((call, index) => {
    output.callStart(index, call.id, call.name);
    output.callDelta(index, call.arguments);
    output.callEnd(index);
  });
  return responsesObject(head, { status, output: output.finish(status), usage: toResponsesUsage(response.usage), incompleteDetails });
}
