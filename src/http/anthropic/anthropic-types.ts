/*
 * The Anthropic Messages API wire shapes the gateway's `/v1/messages` surface reads and writes
 * (anthropic-version 2023-06-01), as Anthropic's API reference and its SDKs define them.
 * Request bodies are checked field by field where they are read (`from-anthropic-*.ts`); these
 * are the shapes once checked, and the answers.
 */

/** A prompt-caching mark on a block, a tool or a system block. */
export interface AnthropicCacheControl {
  readonly type: 'ephemeral';
  readonly ttl?: '5m' | '1h';
}

/** `POST /v1/messages` and `/v1/messages/count_tokens` bodies, as the route schema lets them in (the rest is checked by the readers). */
export interface AnthropicMessagesBody {
  readonly model: string;
  readonly messages: readonly Record<string, unknown>[];
  readonly max_tokens?: number;
  readonly system?: string | readonly Record<string, unknown>[];
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly stop_sequences?: readonly string[];
  readonly stream?: boolean;
  readonly temperature?: number;
  readonly top_p?: number;
  readonly top_k?: number;
  readonly tools?: readonly Record<string, unknown>[];
  readonly tool_choice?: Readonly<Record<string, unknown>>;
  readonly thinking?: Readonly<Record<string, unknown>>;
  readonly output_format?: Readonly<Record<string, unknown>>;
  readonly output_config?: Readonly<Record<string, unknown>>;
  /** Top-level automatic caching: a mark on the last cacheable block. */
  readonly cache_control?: Readonly<Record<string, unknown>> | null;
  readonly [field: string]: unknown;
}

/** Why an answer ended, as Anthropic spells it. */
export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

/** A block of an answer's `content`. */
export type AnthropicResponseBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: Readonly<Record<string, unknown>> };

/**
 * Token counts. `input_tokens` excludes the tokens read from or written to the prompt cache
 * (Anthropic's convention); the cache counts are there when the upstream reported them.
 */
export interface AnthropicUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens?: number;
  readonly cache_read_input_tokens?: number;
}

/** `POST /v1/messages` answered without streaming. */
export interface AnthropicMessageResponse {
  readonly id: string;
  readonly type: 'message';
  readonly role: 'assistant';
  readonly model: string;
  readonly content: readonly AnthropicResponseBlock[];
  readonly stop_reason: AnthropicStopReason;
  readonly stop_sequence: string | null;
  readonly usage: AnthropicUsage;
}

/** Anthropic's error `type`s, one per kind of failure. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

/** Every failure on the Anthropic surface, as a body and as a stream's `error` event. */
export interface AnthropicErrorBody {
  readonly type: 'error';
  readonly error: { readonly type: AnthropicErrorType; readonly message: string };
  readonly request_id?: string;
}

/** A model of `GET /v1/models` (with `anthropic-version`). */
export interface AnthropicModel {
  readonly type: 'model';
  readonly id: string;
  readonly display_name: string;
  /** RFC 3339. */
  readonly created_at: string;
}

/** `GET /v1/models` (with `anthropic-version`): a page of models. */
export interface AnthropicModelPage {
  readonly data: readonly AnthropicModel[];
  readonly has_more: boolean;
  readonly first_id: string | null;
  readonly last_id: string | null;
}
