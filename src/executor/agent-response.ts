import type { AgentStreamEvent } from './agent-stream-event.js';

/** What `POST /v1/agents/{name}/execute` answers, and what `AgentExecutor.execute` returns. */
export interface AgentResponse {
  request_id: string;
  agent: { name: string; version: string | null };
  output: string;
  /** The provider that answered (after a fallback, the fallback's name). */
  provider: string;
  model: string;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number };
  finish_reason: string;
  duration_ms: number;
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
  readonly userId?: string;
  /** Earlier turns of a conversation (the OpenAI-compatible endpoint); the input is the last. */
  readonly history?: readonly { readonly role: 'user' | 'assistant'; readonly content: string }[];
  /** Per-request overrides, clamped to the manifest's limits by the executor. */
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly cache?: CacheMode;
  /** Told what the response cache did for this request; not called when there is no cache. */
  readonly onCacheStatus?: (status: CacheStatus) => void;
}

/** Anything that can run an agent: `AgentExecutor`, and decorators such as `CachedAgentExecutor`. */
export interface AgentRunner {
  execute(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): Promise<AgentResponse>;
  /**
   * The same execution, answered as it is generated: `start`, `delta`s, `done` (see
   * `AgentStreamEvent`). Nothing runs until the first `next()`; a consumer that stops reading
   * (`return()`) stops the upstream call.
   */
  executeStream(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncIterable<AgentStreamEvent>;
}
