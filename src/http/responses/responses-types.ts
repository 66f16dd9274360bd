/*
 * The OpenAI Responses API wire shapes `POST /v1/responses` writes (the subset it produces), as
 * the official `openai` SDK's `resources/responses` types define them. `responses-types.test.ts`
 * assigns what the gateway writes to the SDK's own types, so a field that drifts fails the
 * typecheck.
 */

/** Where a response is: `in_progress` while it streams, then `completed`, `incomplete` or `failed`. */
export type ResponsesStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** An item's own status. */
export type ResponsesItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** A piece of an assistant message: its text (the gateway never has annotations or log probabilities). */
export interface ResponsesOutputText {
  readonly type: 'output_text';
  readonly text: string;
  readonly annotations: readonly never[];
  readonly logprobs: readonly never[];
}

/** The assistant's text, an `output` item. */
export interface ResponsesMessageItem {
  readonly type: 'message';
  readonly id: string;
  readonly status: ResponsesItemStatus;
  readonly role: 'assistant';
  readonly content: readonly ResponsesOutputText[];
}

/** A tool call the client is to make (and answer with a `function_call_output` item), an `output` item. */
export interface ResponsesFunctionCallItem {
  readonly type: 'function_call';
  /** The item's id (`fc_...`); the call's own id, which the client's result names, is `call_id`. */
  readonly id: string;
  readonly status: ResponsesItemStatus;
  readonly call_id: string;
  readonly name: string;
  /** JSON text, as the model wrote it. */
  readonly arguments: string;
}

/**
 * What `output` holds. A later kind (a tool step the gateway ran itself, once agents run their
 * manifest tools) is one more member here and one more method of `ResponsesOutput`.
 */
export type ResponsesOutputItem = ResponsesMessageItem | ResponsesFunctionCallItem;

/** Token counts (`cached_tokens` / `cache_write_tokens`: input tokens read from / written to the upstream's prompt cache). */
export interface ResponsesUsage {
  readonly input_tokens: number;
  readonly input_tokens_details: { readonly cached_tokens: number; readonly cache_write_tokens: number };
  readonly output_tokens: number;
  readonly output_tokens_details: { readonly reasoning_tokens: number };
  readonly total_tokens: number;
}

/** A function tool as a response echoes it (the flat Responses shape). */
export interface ResponsesFunctionTool {
  readonly type: 'function';
  readonly name: string;
  readonly description: string | null;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly strict: boolean | null;
}

/** `tool_choice` as a response echoes it. */
export type ResponsesToolChoice = 'none' | 'auto' | 'required' | { readonly type: 'function'; readonly name: string };

/** `text.format` as a response echoes it. */
export type ResponsesTextFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | { readonly type: 'json_schema'; readonly name: string; readonly schema: Readonly<Record<string, unknown>>; readonly description?: string; readonly strict?: boolean | null };

/** The request's settings a response repeats, as OpenAI's does (`null`: not set, the agent's own). */
export interface ResponsesEcho {
  /** The client's `instructions` (never the agent's own prompt). */
  readonly instructions: string | null;
  readonly max_output_tokens: number | null;
  readonly parallel_tool_calls: boolean;
  readonly temperature: number | null;
  readonly text: { readonly format: ResponsesTextFormat };
  readonly tool_choice: ResponsesToolChoice;
  readonly tools: readonly ResponsesFunctionTool[];
  readonly top_p: number | null;
  /** The client's `user`, when it sent one (the SDK's type has it optional, never null). */
  readonly user?: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Why a response stopped short: the token limit, or the upstream's content filter. */
export interface ResponsesIncompleteDetails {
  readonly reason: 'max_output_tokens' | 'content_filter';
}

/** What failed a response (a stream that broke after it started). */
export interface ResponsesError {
  readonly code: 'server_error' | 'rate_limit_exceeded';
  readonly message: string;
}

/** The `response` object: `POST /v1/responses` answered without streaming, and the payload of the stream's lifecycle events. */
export interface ResponsesResponse extends ResponsesEcho {
  readonly id: string;
  readonly object: 'response';
  /** Unix seconds. */
  readonly created_at: number;
  readonly status: ResponsesStatus;
  readonly background: false;
  readonly error: ResponsesError | null;
  readonly incomplete_details: ResponsesIncompleteDetails | null;
  /** The agent's name, the model the client asked for. */
  readonly model: string;
  readonly output: readonly ResponsesOutputItem[];
  readonly previous_response_id: null;
  readonly reasoning: { readonly effort: null; readonly summary: null };
  /** Nothing is stored: a stored response could not be retrieved. */
  readonly store: false;
  readonly truncation: 'disabled';
  /** Absent until the response is complete (the SDK's type has it optional, never null). */
  readonly usage?: ResponsesUsage;
}

/** The events that carry the whole response. */
type LifecycleEventType = 'response.created' | 'response.in_progress' | 'response.completed' | 'response.incomplete' | 'response.failed';

/** A server-sent event of a streamed response, without its `sequence_number` (the stream numbers them). */
export type ResponsesStreamEvent =
  | { readonly [T in LifecycleEventType]: { readonly type: T; readonly response: ResponsesResponse } }[LifecycleEventType]
  | { readonly [T in 'added' | 'done']: { readonly type: `response.output_item.${T}`; readonly output_index: number; readonly item: ResponsesOutputItem } }['added' | 'done']
  | {
      readonly [T in 'added' | 'done']: { readonly type: `response.content_part.${T}`; readonly item_id: string; readonly output_index: number; readonly content_index: number; readonly part: ResponsesOutputText };
    }['added' | 'done']
  | { readonly type: 'response.output_text.delta'; readonly item_id: string; readonly output_index: number; readonly content_index: number; readonly delta: string; readonly logprobs: readonly never[] }
  | { readonly type: 'response.output_text.done'; readonly item_id: string; readonly output_index: number; readonly content_index: number; readonly text: string; readonly logprobs: readonly never[] }
  | { readonly type: 'response.function_call_arguments.delta'; readonly item_id: string; readonly output_index: number; readonly delta: string }
  | { readonly type: 'response.function_call_arguments.done'; readonly item_id: string; readonly output_index: number; readonly name: string; readonly arguments: string };
