import { countField, isRecord, nameField, recordField, stringField } from '../http/json-values.js';
import { invalidResponse } from '../http/upstream-error.js';
import { argumentsText, generatedToolCallId, MAX_TOOL_CALLS, toolIdentifierField } from '../http/wire-tool-calls.js';
import type { FinishReason, ModelCall, ModelResult, ToolCall, Usage } from '../provider.js';
import { ProviderError } from '../provider-error.js';

// The response half of the OpenAI Chat Completions wire format (spoken also by Ollama, vLLM,
// Groq, Mistral, DeepSeek and Together) and its mapping to the common shapes. Pure; no I/O.
// The request half is openai-request.ts, the stream reader openai-stream-reader.ts.

/** `finish_reason` values OpenAI documents. Other servers may send others; they map to `other`. */
export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'function_call' | 'content_filter';

const FINISH_REASONS: readonly string[] = [
  'stop',
  'length',
  'tool_calls',
  'function_call',
  'content_filter',
] satisfies readonly OpenAIFinishReason[];

/** Error types and codes that may be named in a stream error's message. */
const KNOWN_ERROR_CODES: readonly string[] = [
  'server_error',
  'api_error',
  'overloaded_error',
  'rate_limit_exceeded',
  'invalid_request_error',
  'invalid_api_key',
  'authentication_error',
  'permission_error',
  'context_length_exceeded',
  'insufficient_quota',
];

/** Error types and codes that say the request itself is wrong: another try will not help. */
const CLIENT_ERROR_CODES: readonly string[] = [
  'invalid_request_error',
  'invalid_api_key',
  'authentication_error',
  'permission_error',
  'context_length_exceeded',
  'insufficient_quota',
];

/** A `finish_reason` as a `FinishReason`. */
export function fromOpenAIFinishReason(reason: string | null | undefined): FinishReason {
  if (!isOpenAIFinishReason(reason)) return 'other';
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default: {
      const unreachable: never = reason;
      return unreachable;
    }
  }
}

/**
 * The finish reason of an answer that holds tool calls: `tool_calls` where the server said
 * `stop` (Ollama and some vLLM builds do), so a client that looks only at the reason still
 * runs the tools; `length` and the others stay as they are.
 */
export function withToolCallsFinish(reason: FinishReason, toolCalls: number): FinishReason {
  return toolCalls > 0 && reason === 'stop' ? 'tool_calls' : reason;
}

function isOpenAIFinishReason(reason: unknown): reason is OpenAIFinishReason {
  return typeof reason === 'string' && FINISH_REASONS.includes(reason);
}

/**
 * `usage` on the wire; a server that sends none counts zero. `prompt_tokens` includes the
 * cached ones, `prompt_tokens_details.cached_tokens` says how many (kept when above zero).
 */
export function fromOpenAIUsage(usage: unknown, previous: Usage): Usage {
  if (!isRecord(usage)) return previous;
  const inputTokens = countField(usage, 'prompt_tokens') ?? previous.inputTokens;
  const outputTokens = countField(usage, 'completion_tokens') ?? previous.outputTokens;
  const cached = countField(usage.prompt_tokens_details, 'cached_tokens') ?? previous.cacheReadInputTokens;
  return cached ? { inputTokens, outputTokens, cacheReadInputTokens: cached } : { inputTokens, outputTokens };
}

/**
 * `message.tool_calls` as `ToolCall`s, in order: id and name as sent, arguments verbatim.
 * Entries that are not function calls are skipped; a call without a name is a broken answer.
 */
export function fromOpenAIToolCalls(toolCalls: unknown, provider: string): ToolCall[] | undefined {
  if (!Array.isArray(toolCalls) || toolCalls.length === 0) return undefined;
  if (toolCalls.length > MAX_TOOL_CALLS) throw invalidResponse(provider, `more than ${MAX_TOOL_CALLS} tool calls`);
  const calls: ToolCall[] = [];
  for (const item of toolCalls as unknown[]) {
    if (!isRecord(item) || (item.type !== undefined && item.type !== 'function')) continue;
    const fn = recordField(item, 'function');
    const name = toolIdentifierField(fn, 'name');
    if (name === undefined) throw invalidResponse(provider, 'tool call without a name');
    calls.push({ id: toolIdentifierField(item, 'id') ?? generatedToolCallId(), name, arguments: argumentsText(fn?.arguments) });
  }
  return calls.length === 0 ? undefined : calls;
}

/**
 * A Chat Completions response body as a `ModelResult`, from its first choice: `content` as
 * the text (or, when there is none, a `refusal`, finished as `content_filter`), `tool_calls`
 * as tool calls. Throws an `invalid_response` `ProviderError` when the body is not a completion.
 */
export function fromOpenAICompletion(body: unknown, provider: string, call: ModelCall): ModelResult {
  const choice: unknown = isRecord(body) && Array.isArray(body.choices) ? body.choices[0] : undefined;
  const message = recordField(choice, 'message');
  if (message === undefined) throw invalidResponse(provider, 'no choices[0].message');
  // `content` is null when the model only called tools or refused.
  const content = stringField(message, 'content');
  const refusal = content ? undefined : stringField(message, 'refusal');
  const result = {
    text: content ?? refusal ?? '',
    model: nameField(body, 'model') ?? call.model,
    provider,
    usage: fromOpenAIUsage(recordField(body, 'usage'), { inputTokens: 0, outputTokens: 0 }),
    // A refusal (structured outputs) is the model declining: its words are the text.
    finishReason: refusal ? 'content_filter' : fromOpenAIFinishReason(stringField(choice, 'finish_reason')),
  };
  if (message.tool_calls === undefined || message.tool_calls === null) return result;
  const toolCalls = fromOpenAIToolCalls(message.tool_calls, provider);
  if (toolCalls === undefined) return result;
  const reason = stringField(choice, 'finish_reason') === undefined ? 'tool_calls' : withToolCallsFinish(result.finishReason, toolCalls.length);
  return { ...result, toolCalls, finishReason: reason };
}

/**
 * An `error` object sent inside a 2xx stream (vLLM and OpenAI do this when generation fails):
 * retryable unless its type or code says the request itself is wrong. A type or code is named
 * in the message only if it is a known one (the body is upstream text).
 */
export function openAIStreamError(provider: string, chunk: Record<string, unknown>): ProviderError {
  const candidates = [stringField(chunk.error, 'code'), stringField(chunk.error, 'type')];
  const known = candidates.find((candidate) => candidate !== undefined && KNOWN_ERROR_CODES.includes(candidate));
  return new ProviderError(`${provider} stream error${known ? ` (${known})` : ''}`, {
    provider,
    kind: 'http',
    retryable: !candidates.some((candidate) => candidate !== undefined && CLIENT_ERROR_CODES.includes(candidate)),
  });
}
