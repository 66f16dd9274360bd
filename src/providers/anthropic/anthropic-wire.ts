import { countField, isRecord, nameField, recordField, stringField } from '../http/json-values.js';
import { invalidResponse } from '../http/upstream-error.js';
import { MAX_TOOL_CALLS, toolIdentifierField } from '../http/wire-tool-calls.js';
import type { FinishReason, ModelCall, ModelResult, ToolCall, Usage } from '../provider.js';
import { ProviderError } from '../provider-error.js';
import { anthropicFormatTool } from './anthropic-format-tool.js';

// The response half of the Anthropic Messages API wire format (anthropic-version 2023-06-01)
// and its mapping to the common shapes. Pure; no I/O. The request half is anthropic-request.ts,
// the stream reader anthropic-stream-reader.ts.

/** `stop_reason` values the API documents. Others may appear later; they map to `other`. */
export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

const STOP_REASONS: readonly string[] = [
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
] satisfies readonly AnthropicStopReason[];

/** The error types the API documents. */
const ERROR_TYPES: readonly string[] = [
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'timeout_error',
  'overloaded_error',
];

/** Error types that mean "the service, not the request": worth another try. */
const RETRYABLE_ERROR_TYPES: readonly string[] = ['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error'];

/** Anthropic's `stop_reason` as a `FinishReason`. */
export function fromAnthropicStopReason(reason: string | null | undefined): FinishReason {
  if (!isAnthropicStopReason(reason)) return 'other';
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded': // output cut by length, like max_tokens
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case 'pause_turn':
      return 'other';
    default: {
      const unreachable: never = reason;
      return unreachable;
    }
  }
}

function isAnthropicStopReason(reason: unknown): reason is AnthropicStopReason {
  return typeof reason === 'string' && STOP_REASONS.includes(reason);
}

/**
 * A Messages API response body as a `ModelResult`: the `text` blocks concatenated, each
 * `tool_use` block a tool call (arguments: the JSON text of its `input`), the stop sequence
 * that ended it, usage with the prompt-cache counts. The `tool_use` of the call's response
 * format tool (see `anthropicFormatTool`) is the answer itself: its input, as JSON text, is
 * the text (any words before it are not part of the structured answer and are dropped).
 * Throws an `invalid_response` `ProviderError` when the body is not a message.
 */
export function fromAnthropicMessage(body: unknown, provider: string, call: ModelCall): ModelResult {
  if (!isRecord(body) || !Array.isArray(body.content)) throw invalidResponse(provider, 'not a message');
  const formatTool = call.responseFormat === undefined ? undefined : anthropicFormatTool(call)?.name;
  let text = '';
  let formatText: string | undefined;
  let toolCalls: ToolCall[] | undefined;
  for (const block of body.content as unknown[]) {
    const type = stringField(block, 'type');
    if (type === 'text') text += stringField(block, 'text') ?? '';
    else if (type === 'tool_use') {
      const name = toolIdentifierField(block, 'name');
      const id = toolIdentifierField(block, 'id');
      if (name === undefined || id === undefined) throw invalidResponse(provider, 'tool_use block without an id or a name');
      const input = JSON.stringify(recordField(block, 'input') ?? {});
      if (name === formatTool && formatText === undefined) formatText = input;
      else {
        toolCalls ??= [];
        if (toolCalls.length >= MAX_TOOL_CALLS) throw invalidResponse(provider, `more than ${MAX_TOOL_CALLS} tool calls`);
        toolCalls.push({ id, name, arguments: input });
      }
    }
  }
  const stopReason = stringField(body, 'stop_reason');
  const stopSequence = stringField(body, 'stop_sequence');
  const result: Writable<ModelResult> = {
    text: formatText ?? text,
    model: nameField(body, 'model') ?? call.model,
    provider,
    usage: fromAnthropicUsage(recordField(body, 'usage')),
    finishReason: fromAnthropicAnswerStop(stopReason, formatText !== undefined, toolCalls !== undefined),
  };
  if (toolCalls !== undefined) result.toolCalls = toolCalls;
  if (stopSequence !== undefined) result.stopSequence = stopSequence;
  return result;
}

/**
 * The finish reason of an answer: `tool_use` that only answered the response format is a
 * finished answer (`stop`), not a request to run tools.
 */
export function fromAnthropicAnswerStop(reason: string | undefined, answeredFormat: boolean, calledTools: boolean): FinishReason {
  return reason === 'tool_use' && answeredFormat && !calledTools ? 'stop' : fromAnthropicStopReason(reason);
}

/**
 * Counts as a `Usage`. Anthropic's `input_tokens` leaves out the tokens read from or written
 * to the prompt cache; `inputTokens` is every input token (as OpenAI's `prompt_tokens`), so it
 * adds them, and the cache counts are kept beside it when above zero.
 */
export function toUsage(input: number, output: number, cacheRead: number, cacheWrite: number): Usage {
  const inputTokens = input + cacheRead + cacheWrite;
  if (cacheRead === 0 && cacheWrite === 0) return { inputTokens, outputTokens: output };
  const usage: Writable<Usage> = { inputTokens, outputTokens: output };
  if (cacheRead > 0) usage.cacheReadInputTokens = cacheRead;
  if (cacheWrite > 0) usage.cacheCreationInputTokens = cacheWrite;
  return usage;
}

/** A response's `usage`; counts it leaves out are zero. */
function fromAnthropicUsage(usage: Record<string, unknown> | undefined): Usage {
  return toUsage(
    countField(usage, 'input_tokens') ?? 0,
    countField(usage, 'output_tokens') ?? 0,
    countField(usage, 'cache_read_input_tokens') ?? 0,
    countField(usage, 'cache_creation_input_tokens') ?? 0,
  );
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A stream's `error` event: retryable when it is the service's fault (`overloaded_error`,
 * `api_error`, ...). The type is named in the message only if it is one the API documents.
 */
export function anthropicStreamError(provider: string, error: unknown): ProviderError {
  const type = stringField(error, 'type');
  const known = type !== undefined && ERROR_TYPES.includes(type) ? type : undefined;
  return new ProviderError(`${provider} stream error${known ? ` (${known})` : ''}`, {
    provider,
    kind: 'http',
    retryable: known !== undefined && RETRYABLE_ERROR_TYPES.includes(known),
  });
}
