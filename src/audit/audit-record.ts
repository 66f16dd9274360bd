import type { CacheScope } from '../config/ossa-config.js';
import { contentText, systemText, type ChatMessage, type ModelCall, type ToolCall } from '../providers/provider.js';

/** What every audit record carries: who asked, through which provider, which attempt. */
interface AuditRecordBase {
  /** Epoch milliseconds (an integer, as ARCHITECTURE.md's records). */
  readonly timestamp: number;
  /** The HTTP `X-Request-Id` (or the generated id): every record of one request shares it. */
  readonly request_id: string;
  /** 1-based upstream attempt within the request (retries and fallbacks included); 0 for a `cache_hit`, which made none. */
  readonly attempt: number;
  /** Who answered (for a `cache_hit`, who answered the original call). */
  readonly provider: string;
  readonly model: string;
  readonly agent: string;
  readonly agent_version: string | null;
  readonly user_id?: string;
  readonly streamed: boolean;
}

/** An upstream call is about to be made. */
export interface LlmRequestRecord extends AuditRecordBase {
  readonly event: 'llm_request';
  /** Characters of the system prompt and every message. */
  readonly prompt_length: number;
  readonly temperature: number;
  readonly max_tokens: number;
  readonly tools_count: number;
  /** Only with `security.audit.include_content: true`. */
  readonly system?: string;
  readonly messages?: readonly ChatMessage[];
}

/** The upstream answered. */
export interface LlmResponseRecord extends AuditRecordBase {
  readonly event: 'llm_response';
  readonly duration_ms: number;
  readonly response_length: number;
  readonly tokens_used: { readonly input: number; readonly output: number };
  readonly finish_reason: string;
  /** How many tool calls the answer asks for (their names and arguments only with `include_content`). */
  readonly tool_calls: number;
  /** Only with `security.audit.include_content: true`. */
  readonly response?: string;
  /** The tool calls themselves (id, name, arguments): only with `security.audit.include_content: true`. */
  readonly response_tool_calls?: readonly ToolCall[];
}

/** The attempt failed, was aborted, or the consumer of a stream stopped reading. */
export interface LlmErrorRecord extends AuditRecordBase {
  readonly event: 'llm_error';
  readonly duration_ms: number;
  /** `ProviderError:<kind>` (e.g. `ProviderError:timeout`), or the error's class name. */
  readonly error_class: string;
  /** Safe to store: provider errors never hold a key, a prompt or an upstream body. */
  readonly error_message: string;
  readonly status?: number;
  readonly retryable?: boolean;
  /** True when the caller gave up (client disconnect, consumer stopped reading). */
  readonly aborted: boolean;
  /** For a stream: text parts (about one token each) and characters received before it ended. */
  readonly tokens_seen?: number;
  readonly response_length?: number;
}

/**
 * A request was answered from the response cache: no upstream attempt, so none of the records
 * above, but an auditor still sees who received which answer, and traces it by
 * `original_request_id` to the `llm_request`/`llm_response` records of the call that made it.
 */
export interface CacheHitRecord extends AuditRecordBase {
  readonly event: 'cache_hit';
  /** The request whose upstream call made the answer; absent for entries written before it was kept. */
  readonly original_request_id?: string;
  /** The cache scope the entry is shared within (`global`, `client`, `user`). */
  readonly scope: CacheScope;
  readonly response_length: number;
  readonly finish_reason: string;
  /** Only with `security.audit.include_content: true`. */
  readonly response?: string;
}

/**
 * A server tool call of the agent loop: which tool of which kind, how long, how it ended, how
 * big its arguments and result were. `provider`/`model` name the model turn's route; `attempt` is 0.
 */
export interface ToolCallRecord extends AuditRecordBase {
  readonly event: 'tool_call';
  readonly tool: string;
  readonly kind: string;
  readonly tool_call_id: string;
  readonly duration_ms: number;
  readonly outcome: 'ok' | 'error' | 'invalid_arguments' | 'timeout' | 'aborted';
  readonly argument_bytes: number;
  readonly result_bytes: number;
  /** Only with `security.audit.include_content: true`. */
  readonly arguments?: string;
  readonly result?: string;
}

/** One line of the audit log. */
export type AuditRecord = LlmRequestRecord | LlmResponseRecord | LlmErrorRecord | CacheHitRecord | ToolCallRecord;

/** What a `cache_hit` record says beyond the answer served. */
export interface CacheHit {
  readonly originalRequestId: string | undefined;
  readonly userId: string | undefined;
  readonly scope: CacheScope;
  readonly streamed: boolean;
}

/** An answer served from the cache, as `AgentResponse` has it (`request_id`: this request's). */
export interface ServedAnswer {
  readonly request_id: string;
  readonly agent: { readonly name: string; readonly version: string | null };
  readonly provider: string;
  readonly model: string;
  readonly output: string;
  readonly finish_reason: string;
}

/** The `cache_hit` record of `served`, an answer from the cache. */
export function cacheHitRecord(served: ServedAnswer, hit: CacheHit, timestamp: number, includeContent: boolean): CacheHitRecord {
  const record: Mutable<CacheHitRecord> = {
    event: 'cache_hit',
    timestamp,
    request_id: served.request_id,
    attempt: 0,
    provider: served.provider,
    model: served.model,
    agent: served.agent.name,
    agent_version: served.agent.version,
    streamed: hit.streamed,
    scope: hit.scope,
    response_length: served.output.length,
    finish_reason: served.finish_reason,
  };
  if (hit.originalRequestId !== undefined) record.original_request_id = hit.originalRequestId;
  if (hit.userId !== undefined) record.user_id = hit.userId;
  if (includeContent) record.response = served.output;
  return record;
}

/** What an attempt answered, streamed or not. */
export interface AttemptAnswer {
  readonly model: string;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
  readonly finishReason: string;
  /** Characters of the answer. */
  readonly length: number;
  /** The answer text, when it is to be recorded. */
  readonly text?: string | undefined;
  /** Tool calls the answer asks for. */
  readonly toolCallCount: number;
  /** The tool calls, when they are to be recorded. */
  readonly toolCalls?: readonly ToolCall[] | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// Records are built as plain literals (no object spreads): two per upstream attempt, on the
// response path, so they should cost next to nothing.

/** The `llm_request` record of an attempt about to be made. */
export function requestRecord(call: ModelCall, provider: string, streamed: boolean, timestamp: number, includeContent: boolean): LlmRequestRecord {
  const meta = call.meta;
  const record: Mutable<LlmRequestRecord> = {
    event: 'llm_request',
    timestamp,
    request_id: meta.requestId,
    attempt: meta.attempt ?? 1,
    provider,
    model: call.model,
    agent: meta.agent.name,
    agent_version: meta.agent.version,
    streamed,
    prompt_length: promptLength(call),
    temperature: call.temperature,
    max_tokens: call.maxTokens,
    tools_count: meta.toolsCount,
  };
  if (meta.userId !== undefined) record.user_id = meta.userId;
  if (includeContent) {
    record.system = systemText(call.system);
    record.messages = call.messages;
  }
  return record;
}

/** The `llm_response` record of an attempt that answered. */
export function responseRecord(call: ModelCall, provider: string, streamed: boolean, timestamp: number, durationMs: number, answer: AttemptAnswer, includeContent: boolean): LlmResponseRecord {
  const meta = call.meta;
  const record: Mutable<LlmResponseRecord> = {
    event: 'llm_response',
    timestamp,
    request_id: meta.requestId,
    attempt: meta.attempt ?? 1,
    provider,
    model: answer.model,
    agent: meta.agent.name,
    agent_version: meta.agent.version,
    streamed,
    duration_ms: durationMs,
    response_length: answer.length,
    tokens_used: { input: answer.usage.inputTokens, output: answer.usage.outputTokens },
    finish_reason: answer.finishReason,
    tool_calls: answer.toolCallCount,
  };
  if (meta.userId !== undefined) record.user_id = meta.userId;
  if (includeContent && answer.text !== undefined) record.response = answer.text;
  if (includeContent && answer.toolCalls !== undefined && answer.toolCalls.length > 0) record.response_tool_calls = answer.toolCalls;
  return record;
}

/** What an `llm_error` record says about the failure. */
export interface AttemptFailure {
  readonly errorClass: string;
  readonly message: string;
  readonly status?: number | undefined;
  readonly retryable?: boolean | undefined;
  readonly aborted: boolean;
  /** For a stream: text parts and characters received before it ended. */
  readonly progress?: { readonly parts: number; readonly length: number } | undefined;
}

/** The `llm_error` record of an attempt that failed, was aborted, or whose stream consumer stopped. */
export function errorRecord(call: ModelCall, provider: string, streamed: boolean, timestamp: number, durationMs: number, failure: AttemptFailure): LlmErrorRecord {
  const meta = call.meta;
  const record: Mutable<LlmErrorRecord> = {
    event: 'llm_error',
    timestamp,
    request_id: meta.requestId,
    attempt: meta.attempt ?? 1,
    provider,
    model: call.model,
    agent: meta.agent.name,
    agent_version: meta.agent.version,
    streamed,
    duration_ms: durationMs,
    error_class: failure.errorClass,
    error_message: failure.message,
    aborted: failure.aborted,
  };
  if (meta.userId !== undefined) record.user_id = meta.userId;
  if (failure.status !== undefined) record.status = failure.status;
  if (failure.retryable !== undefined) record.retryable = failure.retryable;
  if (failure.progress) {
    record.tokens_seen = failure.progress.parts;
    record.response_length = failure.progress.length;
  }
  return record;
}

/** Characters of what is sent as the prompt: the system prompt and every message. */
export function promptLength(call: ModelCall): number {
  let length = typeof call.system === 'string' ? call.system.length : systemText(call.system).length;
  for (const message of call.messages) {
    length += typeof message.content === 'string' ? message.content.length : contentText(message.content).length;
    if (message.role === 'assistant' && message.toolCalls) for (const toolCall of message.toolCalls) length += toolCall.arguments.length;
  }
  return length;
}
