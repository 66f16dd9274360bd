/**
 * The one interface every LLM adapter and every provider decorator implements.
 *
 * Adapters translate a `ModelCall` to a wire format (Anthropic Messages, OpenAI Chat
 * Completions, ...) and back; decorators (audit logging, circuit breaker) wrap a
 * `Provider` and are themselves a `Provider`.
 */
export interface Provider {
  /** The configured name (`providers.<name>` in ossa.yaml), e.g. `anthropic` or `local-ollama`. */
  readonly name: string;
  readonly type: ProviderType;
  /** One request, one answer. Rejects with a `ProviderError`. */
  complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult>;
  /**
   * The same request, answered as it is generated: zero or more `text` and tool-call parts,
   * then exactly one `finish` part. Throws a `ProviderError` from the iterator on failure. A
   * provider that chooses among others (the fallback chain) sends one `start` part first,
   * naming the one that answers; adapters do not.
   */
  stream(call: ModelCall, signal: AbortSignal): AsyncIterable<StreamPart>;
}

export type ProviderType = 'anthropic' | 'openai' | 'openai-compatible' | 'echo';


/** A JSON Schema document (a tool's parameters, a response format's schema): data, checked where it enters. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Anthropic's prompt-caching marker on a block: kept from a client to an Anthropic upstream, ignored by other wire formats. */
export interface CacheControl {
  readonly type: 'ephemeral';
  /** `5m` or `1h`, when the client set one. */
  readonly ttl?: string;
}

export interface TextPart {
  readonly type: 'text';
  readonly text: string;
  readonly cacheControl?: CacheControl;
}

/** An image for a model that reads images: passed through as given, never fetched by the gateway. */
export interface ImagePart {
  readonly type: 'image';
  readonly source: { readonly kind: 'url'; readonly url: string } | { readonly kind: 'base64'; readonly mediaType: string; readonly data: string };
  /** OpenAI's `detail`; the other wire formats have no such field. */
  readonly detail?: 'auto' | 'low' | 'high';
  readonly cacheControl?: CacheControl;
}

export type ContentPart = TextPart | ImagePart;

/**
 * A tool call a model asked for. Tool calls are data with identity: the `id` the model gave
 * travels to the client and back (the tool result names it), never renumbered or merged.
 */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments as the model wrote them: JSON text, not guaranteed to parse (checked where a tool runs). */
  readonly arguments: string;
  /** A prompt-caching mark a client put on this call in its history (Anthropic's `tool_use` block); never set on a model's answer. */
  readonly cacheControl?: CacheControl;
}

export interface UserMessage {
  readonly role: 'user';
  /** Plain text (the common case, nothing to allocate) or parts (text and images). */
  readonly content: string | readonly ContentPart[];
}

export interface AssistantMessage {
  readonly role: 'assistant';
  /** The text the model wrote before (or instead of) its tool calls; may be empty. */
  readonly content: string;
  readonly toolCalls?: readonly ToolCall[];
  /** A prompt-caching mark a client put on the turn's text (Anthropic); kept for an Anthropic upstream. */
  readonly cacheControl?: CacheControl;
}

/** The result of one tool call, answering the assistant message that asked for it. */
export interface ToolResultMessage {
  readonly role: 'tool';
  readonly toolCallId: string;
  /** The tool's name, when known (some wire formats carry it; none needs it). */
  readonly name?: string;
  readonly content: string | readonly ContentPart[];
  /** The tool failed (threw, timed out, refused its arguments): the model is told so. */
  readonly isError?: boolean;
  /** A prompt-caching mark a client put on the result (Anthropic's `tool_result` block). */
  readonly cacheControl?: CacheControl;
}

/**
 * One turn of the conversation sent to the model. Several tool results answering one assistant
 * turn are consecutive `tool` messages, in the order of the calls; a wire format that groups
 * them (Anthropic's user turn of `tool_result` blocks) does so in its own mapping.
 */
export type ChatMessage = UserMessage | AssistantMessage | ToolResultMessage;

/** A tool the model may call: a name, what it does, and the JSON Schema of its arguments. */
export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  /** A JSON Schema of `type: "object"`. */
  readonly parameters: JsonSchema;
  /** OpenAI's strict mode (arguments always match the schema); ignored by wire formats without it. */
  readonly strict?: boolean;
  readonly cacheControl?: CacheControl;
}

/** Whether the model may, must or must not call a tool, or which one it must call. */
export type ToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };

/** The shape the answer's text must take. */
export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | { readonly type: 'json_schema'; readonly name: string; readonly schema: JsonSchema; readonly strict?: boolean; readonly description?: string };

/** Settings only one vendor's wire format has; the others ignore them (the surface that accepted them says so). */
export interface ProviderOptions {
  readonly anthropic?: {
    /** `anthropic-beta` flags a client sent, passed on to an Anthropic upstream. */
    readonly beta?: readonly string[];
    /** `top_k`: sample from the k most likely tokens only. */
    readonly topK?: number;
    /** `metadata.user_id`: the client's opaque id of its end user, for the upstream's abuse detection. */
    readonly userId?: string;
  };
}

/** What the executor asks of a model, independent of any wire format. */
export interface ModelCall {
  readonly model: string;
  /** The system prompt: text, or text blocks (kept as blocks where the wire has them, for `cacheControl`). Empty: none. */
  readonly system: string | readonly TextPart[];
  /** The conversation, oldest first; the last message is the user's input or a tool result. */
  readonly messages: readonly ChatMessage[];
  readonly temperature: number;
  readonly maxTokens: number;
  readonly topP?: number;
  readonly frequencyPenalty?: number;
  readonly presencePenalty?: number;
  /** Sequences that end the answer when the model writes one. */
  readonly stop?: readonly string[];
  /** Tools offered to the model; absent or empty: none. */
  readonly tools?: readonly ToolDefinition[];
  /** Absent: the upstream's default (`auto` when tools are offered). */
  readonly toolChoice?: ToolChoice;
  /** false: at most one tool call per answer. Absent: the upstream's default (several allowed). */
  readonly parallelToolCalls?: boolean;
  /** Absent: text. */
  readonly responseFormat?: ResponseFormat;
  readonly providerOptions?: ProviderOptions;
  /** Who is asking and why: for audit records, logs and traces. Never sent upstream. */
  readonly meta: CallMeta;
}

export interface CallMeta {
  /** The HTTP `X-Request-Id` (or a generated id), so every record of one request correlates. */
  readonly requestId: string;
  readonly agent: { readonly name: string; readonly version: string | null };
  readonly userId?: string;
  /** Tools offered to the model in this call (`tools_count` in audit records). */
  readonly toolsCount: number;
  /** Absolute deadline (epoch ms) for the whole call, retries and fallbacks included. */
  readonly deadline?: number;
  /**
   * The sampling settings the client asked for itself, before the agent's applied (a target
   * with its own temperature or max tokens, such as a fallback's, still honours them).
   */
  readonly requested?: { readonly temperature?: number; readonly maxTokens?: number };
  /**
   * 1-based number of this upstream attempt within the execution, across retries and
   * fallbacks. Set by the resilience layer for each attempt; audit records carry it.
   */
  readonly attempt?: number;
}

export interface Usage {
  /**
   * Every input token, those read from or written to the prompt cache included (OpenAI's
   * `prompt_tokens`; Anthropic's `input_tokens` + `cache_read_input_tokens` +
   * `cache_creation_input_tokens`), so the cache counts below are parts of it.
   */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input tokens read from the upstream's prompt cache, when it says and they are above zero (Anthropic `cache_read_input_tokens`, OpenAI `prompt_tokens_details.cached_tokens`). */
  readonly cacheReadInputTokens?: number;
  /** Input tokens written to the upstream's prompt cache, when above zero (Anthropic `cache_creation_input_tokens`). */
  readonly cacheCreationInputTokens?: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

export interface ModelResult {
  /** The answer's text; empty when the model only called tools. */
  readonly text: string;
  /** The tools the model asked to call, in its order; absent or empty: none. */
  readonly toolCalls?: readonly ToolCall[];
  /** The model that answered, as the upstream reported it. */
  readonly model: string;
  /** The configured provider that answered (differs from the asked one after a fallback). */
  readonly provider: string;
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  /** The stop sequence that ended the answer, when the upstream says which. */
  readonly stopSequence?: string;
  /** Upstream attempts it took, retries and fallbacks included (set by the retry layer and the fallback chain). */
  readonly attempts?: number;
  readonly fallbackUsed?: boolean;
}

export type StreamPart =
  /**
   * Who answers: sent once, before any other part, by the fallback chain when it commits to
   * a target (after that target produced its first part), so a consumer can name the serving
   * provider before the answer is complete. Optional: adapters and decorators never send it.
   */
  | { readonly type: 'start'; readonly provider: string; readonly model: string; readonly fallbackUsed: boolean }
  | { readonly type: 'text'; readonly text: string }
  /**
   * A tool call begins. `index` is its position among this answer's tool calls (0, 1, ...; not
   * the wire's content-block index), and every later part of the same call carries it, so
   * parallel calls interleaved in one stream keep their own id, name and arguments.
   */
  | { readonly type: 'tool-call-start'; readonly index: number; readonly id: string; readonly name: string }
  /** More of a tool call's arguments: JSON text in pieces that join to the whole. */
  | { readonly type: 'tool-call-delta'; readonly index: number; readonly argumentsDelta: string }
  /** The tool call at `index` is complete. */
  | { readonly type: 'tool-call-end'; readonly index: number }
  | {
      readonly type: 'finish';
      readonly model: string;
      readonly provider: string;
      readonly usage: Usage;
      readonly finishReason: FinishReason;
      readonly stopSequence?: string;
      readonly attempts?: number;
      readonly fallbackUsed?: boolean;
    };

/** The text of a system prompt given as text or blocks (blocks joined by blank lines). */
export function systemText(system: ModelCall['system']): string {
  return typeof system === 'string' ? system : system.map((part) => part.text).join('\n\n');
}

/** The text of a message's content, parts joined by line breaks (images contribute nothing). */
export function contentText(content: string | readonly ContentPart[]): string {
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) if (part.type === 'text') text = text === '' ? part.text : `${text}\n${part.text}`;
  return text;
}
