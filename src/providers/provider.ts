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
   * The same request, answered as it is generated: zero or more `text` parts, then exactly
   * one `finish` part. Throws a `ProviderError` from the iterator on failure. A provider that
   * chooses among others (the fallback chain) sends one `start` part first, naming the one that
   * answers; adapters do not.
   */
  stream(call: ModelCall, signal: AbortSignal): AsyncIterable<StreamPart>;
}

export type ProviderType = 'anthropic' | 'openai' | 'openai-compatible' | 'echo';

export const PROVIDER_TYPES: readonly ProviderType[] = ['anthropic', 'openai', 'openai-compatible', 'echo'];

export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/** What the executor asks of a model, independent of any wire format. */
export interface ModelCall {
  readonly model: string;
  readonly system: string;
  /** The conversation; the last message is the user's input. */
  readonly messages: readonly ChatMessage[];
  readonly temperature: number;
  readonly maxTokens: number;
  /** Who is asking and why: for audit records, logs and traces. Never sent upstream. */
  readonly meta: CallMeta;
}

export interface CallMeta {
  /** The HTTP `X-Request-Id` (or a generated id), so every record of one request correlates. */
  readonly requestId: string;
  readonly agent: { readonly name: string; readonly version: string | null };
  readonly userId?: string;
  /** Tools the manifest declares (the gateway does not offer them to the model; see README). */
  readonly toolsCount: number;
  /** Absolute deadline (epoch ms) for the whole call, retries and fallbacks included. */
  readonly deadline?: number;
  /**
   * 1-based number of this upstream attempt within the execution, across retries and
   * fallbacks. Set by the resilience layer for each attempt; audit records carry it.
   */
  readonly attempt?: number;
}

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

export interface ModelResult {
  readonly text: string;
  /** The model that answered, as the upstream reported it. */
  readonly model: string;
  /** The configured provider that answered (differs from the asked one after a fallback). */
  readonly provider: string;
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  /** Upstream attempts it took, retries and fallbacks included (set by the circuit breaker). */
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
  | {
      readonly type: 'finish';
      readonly model: string;
      readonly provider: string;
      readonly usage: Usage;
      readonly finishReason: FinishReason;
      readonly attempts?: number;
      readonly fallbackUsed?: boolean;
    };
