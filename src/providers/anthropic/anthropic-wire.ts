import type { EventSourceMessage } from '../http/sse-decoder.js';
import { countField, isRecord, nameField, parseJson, recordField, stringField } from '../http/json-values.js';
import { invalidResponse } from '../http/upstream-error.js';
import { contentText, systemText, type FinishReason, type ModelCall, type ModelResult, type StreamPart, type Usage } from '../provider.js';
import { ProviderError } from '../provider-error.js';

// The Anthropic Messages API wire format (anthropic-version 2023-06-01) and its mapping to
// the common shapes. Pure functions and one small stream state machine; no I/O.

/** The body of `POST /v1/messages`, as far as the gateway uses it. */
export interface AnthropicRequest {
  readonly model: string;
  readonly system?: string;
  readonly messages: readonly { readonly role: 'user' | 'assistant'; readonly content: string }[];
  readonly max_tokens: number;
  readonly temperature: number;
  readonly stream?: true;
}

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

/** The common call as a Messages API body. An empty system prompt is left out. */
export function toAnthropicRequest(call: ModelCall, stream: boolean): AnthropicRequest {
  return {
    model: call.model,
    ...(systemText(call.system) === '' ? {} : { system: systemText(call.system) }),
    messages: call.messages.map((message) => ({ role: message.role === 'tool' ? ('user' as const) : message.role, content: contentText(message.content) })),
    max_tokens: call.maxTokens,
    temperature: call.temperature,
    ...(stream ? { stream: true as const } : {}),
  };
}

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
 * A Messages API response body as a `ModelResult`: the `text` blocks concatenated.
 * Throws an `invalid_response` `ProviderError` when the body is not a message.
 */
export function fromAnthropicMessage(body: unknown, provider: string, call: ModelCall): ModelResult {
  if (!isRecord(body) || !Array.isArray(body.content)) throw invalidResponse(provider, 'not a message');
  const text = body.content
    .map((block: unknown) => (stringField(block, 'type') === 'text' ? (stringField(block, 'text') ?? '') : ''))
    .join('');
  return {
    text,
    model: nameField(body, 'model') ?? call.model,
    provider,
    usage: fromAnthropicUsage(recordField(body, 'usage'), { inputTokens: 0, outputTokens: 0 }),
    finishReason: fromAnthropicStopReason(stringField(body, 'stop_reason')),
  };
}

function fromAnthropicUsage(usage: Record<string, unknown> | undefined, previous: Usage): Usage {
  return {
    inputTokens: countField(usage, 'input_tokens') ?? previous.inputTokens,
    outputTokens: countField(usage, 'output_tokens') ?? previous.outputTokens,
  };
}

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

/** The event after which a Messages API stream is complete. */
export function isAnthropicStreamEnd(event: EventSourceMessage): boolean {
  return event.event === 'message_stop';
}

/**
 * Reads a Messages API event stream, one server-sent event at a time: `message_start`
 * (model, input tokens), `content_block_delta` (text), `message_delta` (stop reason, output
 * tokens), `message_stop` (the finish part). `ping` and unknown events are skipped, as the
 * API asks; an `error` event throws.
 */
export class AnthropicStreamReader {
  readonly #provider: string;
  #model: string;
  #usage: Usage = { inputTokens: 0, outputTokens: 0 };
  #stopReason: string | undefined;
  /** True once `message_stop` arrived; a stream that ends before is truncated. */
  finished = false;

  constructor(provider: string, call: ModelCall) {
    this.#provider = provider;
    this.#model = call.model;
  }

  /** One event in; the part it completes, if any. Throws a `ProviderError`. */
  read(event: EventSourceMessage): StreamPart | undefined {
    const data = parseJson(event.data);
    if (!isRecord(data)) throw invalidResponse(this.#provider, 'malformed stream event');
    switch (event.event ?? stringField(data, 'type')) {
      case 'message_start': {
        const message = recordField(data, 'message');
        this.#model = nameField(message, 'model') ?? this.#model;
        this.#usage = fromAnthropicUsage(recordField(message, 'usage'), this.#usage);
        return undefined;
      }
      case 'content_block_delta': {
        const delta = recordField(data, 'delta');
        const text = stringField(delta, 'type') === 'text_delta' ? stringField(delta, 'text') : undefined;
        return text ? { type: 'text', text } : undefined;
      }
      case 'message_delta':
        this.#stopReason = stringField(recordField(data, 'delta'), 'stop_reason') ?? this.#stopReason;
        // message_delta's usage is cumulative: it replaces what message_start said.
        this.#usage = fromAnthropicUsage(recordField(data, 'usage'), this.#usage);
        return undefined;
      case 'message_stop':
        this.finished = true;
        return {
          type: 'finish',
          model: this.#model,
          provider: this.#provider,
          usage: this.#usage,
          finishReason: fromAnthropicStopReason(this.#stopReason),
        };
      case 'error':
        throw anthropicStreamError(this.#provider, data.error);
      default:
        return undefined;
    }
  }
}
