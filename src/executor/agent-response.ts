import type { ChatMessage, ProviderOptions, ResponseFormat, TextPart, ToolChoice, ToolDefinition } from '../providers/provider.js';
import type { LimitStatus } from '../rate-limit/rate-limiter.js';
import type { AgentStreamEvent } from './agent-stream-event.js';

/** A tool call in an answer, as the gateway's own API shows it (`arguments`: the model's JSON text). */
export interface AgentToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One step of the agent loop, as the native `messages` format writes it. */
export type AgentStep =
  | { role: 'assistant'; content: string; tool_calls: AgentToolCall[] }
  | { role: 'tool'; tool_call_id: string; name: string; content: string; is_error?: boolean };

/** What `POST /v1/agents/{name}/execute` answers, and what `AgentExecutor.execute` returns. */
export interface AgentResponse {
  request_id: string;
  agent: { name: string; version: string | null };
  output: string;
  /** The tool calls the answer asks the client to make (`finish_reason: "tool_calls"`); absent: none. */
  tool_calls?: AgentToolCall[];
  /** The provider that answered (after a fallback, the fallback's name). */
  provider: string;
  model: string;
  /**
   * `input_tokens` counts every input token, those read from or written to the upstream's
   * prompt cache included; the two cache counts are there when the upstream reported them
   * above zero (Anthropic's `cache_read_input_tokens` / `cache_creation_input_tokens`).
   */
  usage: { input_tokens: number; output_tokens: number; total_tokens: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number };
  finish_reason: string;
  /** The stop sequence that ended the answer, when the upstream said which (Anthropic does). */
  stop_sequence?: string;
  duration_ms: number;
  /**
   * `requires_action`: the run paused before a tool that needs approval (`spec.autonomy.approval_required`);
   * `tool_calls` are the calls waiting (and the client's own), `pending_approval` their ids. Absent: the run is complete.
   */
  status?: 'requires_action';
  pending_approval?: string[];
  /**
   * What the agent loop did, in order: each assistant turn with its tool calls and each tool
   * result (server tools only), in the native `messages` format, so a paused run resumes by
   * sending `messages: [...the conversation, ...steps, ...results of the pending calls]`.
   * Absent: the agent ran no server tool.
   */
  steps?: AgentStep[];
  fallback_used: boolean;
  attempts: number;
  cached: boolean;
}

export type ExecutionContext = Readonly<Record<string, unknown>>;

export type CacheMode = 'default' | 'bypass' | 'refresh';

/** What the response cache did for one request (the HTTP layer's `X-Cache`). */
export type CacheStatus = 'hit' | 'miss' | 'bypass';

export interface ExecuteOptions {
  /** Correlates logs, audit records, events and the response. */
  readonly requestId: string;
  /** Aborted when the client disconnects: stops the upstream call and pending retries. */
  readonly signal?: AbortSignal;
  /** Who the answer is for (see `Caller.userId`): audit records, the per-user rate limit (absent: `anonymous`), the cache's `user` scope. */
  readonly userId?: string;
  /** The authenticated client (`security.clients[].id`): the cache's `client` scope, and its own `rate_limit.user` when it has one. Absent without clients and for in-process calls. */
  readonly clientId?: string;
  /**
   * The conversation before the input, oldest first: user turns (text or parts), assistant
   * turns with their tool calls, and tool results. With a non-empty `input` the input follows
   * as the last user message; with an empty `input` and a non-empty history, the history is the
   * whole conversation (it ends with the user's message or with tool results).
   */
  readonly history?: readonly ChatMessage[];
  /** The client's own system text (OpenAI `system`/`developer` messages), added after the agent's system prompt, verbatim. */
  readonly instructions?: string;
  /**
   * The client's system text as blocks (Anthropic's `system` array), kept as blocks so their
   * `cacheControl` reaches an Anthropic upstream; used instead of `instructions` when set.
   */
  readonly systemBlocks?: readonly TextPart[];
  /** Per-request overrides, clamped to the manifest's limits by the executor. */
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** Tools the client offers for this request; the client runs them (the answer's `tool_calls`). */
  readonly tools?: readonly ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly parallelToolCalls?: boolean;
  readonly responseFormat?: ResponseFormat;
  readonly stop?: readonly string[];
  /**
   * Sampling settings sent as given (the HTTP surfaces set them for pass-through models only:
   * an agent's manifest settles its model's).
   */
  readonly topP?: number;
  readonly frequencyPenalty?: number;
  readonly presencePenalty?: number;
  /** Vendor-only settings a client sent (`anthropic-beta` flags, `top_k`, `metadata.user_id`), for the adapters that know them. */
  readonly providerOptions?: ProviderOptions;
  readonly cache?: CacheMode;
  /** Told what the response cache did for this request; not called when there is no cache. */
  readonly onCacheStatus?: (status: CacheStatus) => void;
  /**
   * Told the rate-limit bucket closest to running out, once the limiter admitted or refused the
   * request (HTTP's `RateLimit-*` fields); not called when no bucket applies, the limiter is off
   * or its store failed.
   */
  readonly onRateLimit?: (status: LimitStatus) => void;
  /**
   * Run without the rate limits: no bucket is checked, no token taken. For in-process callers
   * that are not serving a client (the CLI's `run`); every HTTP request is limited.
   */
  readonly skipRateLimit?: boolean;
}

/** Anything that can run an agent: `AgentExecutor`, and the runner layers in front of it (`RateLimitedRunner`, `CachedAgentExecutor`). */
export interface AgentRunner {
  execute(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): Promise<AgentResponse>;
  /**
   * The same execution, answered as it is generated: `start`, `delta`s, `done` (see
   * `AgentStreamEvent`). Nothing runs until the first `next()`; a consumer that stops reading
   * (`return()`) stops the upstream call.
   */
  executeStream(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncIterable<AgentStreamEvent>;
}
