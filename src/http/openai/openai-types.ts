/*
 * The OpenAI Chat Completions and Models wire shapes the compatible endpoint reads and writes
 * (the subset it uses), as the official API and its SDKs define them.
 */

/** Why a choice ended, as OpenAI spells it. */
export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** Token counts of a completion (`usage`). */
export interface OpenAIUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/** `POST /v1/chat/completions` answered without streaming. */
export interface OpenAIChatCompletion {
  readonly id: string;
  readonly object: 'chat.completion';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly {
    readonly index: number;
    /** `content` is null when the model only called tools, as OpenAI answers. */
    readonly message: { readonly role: 'assistant'; readonly content: string | null; readonly refusal: null; readonly tool_calls?: readonly OpenAIToolCall[] };
    readonly logprobs: null;
    readonly finish_reason: OpenAIFinishReason;
  }[];
  readonly usage: OpenAIUsage;
}

/** A tool call in a `chat.completion`'s message. */
export interface OpenAIToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** A piece of a tool call in a chunk's delta: the first has `id`, `type` and `name`, the rest only argument text. */
export interface OpenAIToolCallDelta {
  readonly index: number;
  readonly id?: string;
  readonly type?: 'function';
  readonly function: { readonly name?: string; readonly arguments: string };
}

/** One `data:` chunk of a streamed completion. */
export interface OpenAIChatCompletionChunk {
  readonly id: string;
  readonly object: 'chat.completion.chunk';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly {
    readonly index: number;
    readonly delta: { readonly role?: 'assistant'; readonly content?: string; readonly tool_calls?: readonly OpenAIToolCallDelta[] };
    readonly logprobs: null;
    readonly finish_reason: OpenAIFinishReason | null;
  }[];
  /** With `stream_options.include_usage`: null on every chunk but the last, which has no choices. */
  readonly usage?: OpenAIUsage | null;
}

/** An entry of `GET /v1/models`. */
export interface OpenAIModel {
  readonly id: string;
  readonly object: 'model';
  /** Unix seconds. */
  readonly created: number;
  readonly owned_by: string;
}

/** Every error the OpenAI API answers, and the last chunk of a stream that failed. */
export interface OpenAIErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string | null;
  };
}
