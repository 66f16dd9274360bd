import type { EventSourceMessage } from '../http/sse-decoder.js';
import { countField, isRecord, nameField, parseJson, recordField, stringField } from '../http/json-values.js';
import { invalidResponse } from '../http/upstream-error.js';
import { contentText, systemText, type FinishReason, type ModelCall, type ModelResult, type StreamPart, type Usage } from '../provider.js';
import { ProviderError } from '../provider-error.js';

// The OpenAI Chat Completions wire format, spoken also by Ollama, vLLM, Groq, Mistral,
// DeepSeek and Together, and its mapping to the common shapes. Pure; no I/O.

/** One chat message on the wire. */
export interface OpenAIMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** The body of `POST /chat/completions`, as far as the gateway uses it. */
export interface OpenAIRequest {
  readonly model: string;
  readonly messages: readonly OpenAIMessage[];
  // `max_tokens`, not `max_completion_tokens`: every compatible server reads it.
  readonly max_tokens: number;
  readonly temperature: number;
  readonly stream?: true;
  readonly stream_options?: { readonly include_usage: true };
}

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

/** The common call as a Chat Completions body: the system prompt first (left out when empty). */
export function toOpenAIRequest(call: ModelCall, stream: boolean): OpenAIRequest {
  const systemPrompt = systemText(call.system);
  const system: OpenAIMessage[] = systemPrompt === '' ? [] : [{ role: 'system', content: systemPrompt }];
  return {
    model: call.model,
    messages: [...system, ...call.messages.map((message) => ({ role: message.role === 'tool' ? ('user' as const) : message.role, content: contentText(message.content) }))],
    max_tokens: call.maxTokens,
    temperature: call.temperature,
    // OpenAI reports usage in a stream only when asked, in a last chunk with no choices.
    ...(stream ? { stream: true as const, stream_options: { include_usage: true as const } } : {}),
  };
}

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

function isOpenAIFinishReason(reason: unknown): reason is OpenAIFinishReason {
  return typeof reason === 'string' && FINISH_REASONS.includes(reason);
}

/** `usage` on the wire; a server that sends none counts zero. */
function fromOpenAIUsage(usage: unknown, previous: Usage): Usage {
  if (!isRecord(usage)) return previous;
  return {
    inputTokens: countField(usage, 'prompt_tokens') ?? previous.inputTokens,
    outputTokens: countField(usage, 'completion_tokens') ?? previous.outputTokens,
  };
}

/**
 * A Chat Completions response body as a `ModelResult`, from its first choice.
 * Throws an `invalid_response` `ProviderError` when the body is not a completion.
 */
export function fromOpenAICompletion(body: unknown, provider: string, call: ModelCall): ModelResult {
  const choice: unknown = isRecord(body) && Array.isArray(body.choices) ? body.choices[0] : undefined;
  const message = recordField(choice, 'message');
  if (message === undefined) throw invalidResponse(provider, 'no choices[0].message');
  return {
    // `content` is null when the model only called tools or refused.
    text: stringField(message, 'content') ?? '',
    model: nameField(body, 'model') ?? call.model,
    provider,
    usage: fromOpenAIUsage(recordField(body, 'usage'), { inputTokens: 0, outputTokens: 0 }),
    finishReason: fromOpenAIFinishReason(stringField(choice, 'finish_reason')),
  };
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

/** The `data: [DONE]` terminator after which a Chat Completions stream is complete. */
export function isOpenAIStreamEnd(event: EventSourceMessage): boolean {
  return event.data === '[DONE]';
}

/**
 * Reads a Chat Completions stream, one `data:` chunk at a time: `choices[0].delta.content`
 * becomes text parts, `finish_reason`, `model` and `usage` are remembered (usage comes in the
 * last, choice-less chunk), and `[DONE]` gives the finish part.
 */
export class OpenAIStreamReader {
  readonly #provider: string;
  #model: string;
  #usage: Usage = { inputTokens: 0, outputTokens: 0 };
  #finishReason: string | undefined;
  /** True once `[DONE]` arrived; a stream that ends before is truncated. */
  finished = false;

  constructor(provider: string, call: ModelCall) {
    this.#provider = provider;
    this.#model = call.model;
  }

  /** One event in; the part it completes, if any. Throws a `ProviderError`. */
  read(event: EventSourceMessage): StreamPart | undefined {
    if (isOpenAIStreamEnd(event)) {
      this.finished = true;
      return {
        type: 'finish',
        model: this.#model,
        provider: this.#provider,
        usage: this.#usage,
        finishReason: fromOpenAIFinishReason(this.#finishReason),
      };
    }
    const chunk = parseJson(event.data);
    if (!isRecord(chunk)) throw invalidResponse(this.#provider, 'malformed stream chunk');
    if (chunk.error !== undefined && chunk.error !== null) throw openAIStreamError(this.#provider, chunk);
    this.#model = nameField(chunk, 'model') ?? this.#model;
    this.#usage = fromOpenAIUsage(chunk.usage, this.#usage);
    const choice: unknown = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    this.#finishReason = stringField(choice, 'finish_reason') ?? this.#finishReason;
    const text = stringField(recordField(choice, 'delta'), 'content');
    return text ? { type: 'text', text } : undefined;
  }
}
