import type { ChatMessage, ModelCall } from '../providers/provider.js';

/** What every audit record carries: who asked, through which provider, which attempt. */
interface AuditRecordBase {
  /** Epoch milliseconds (an integer, as ARCHITECTURE.md's records). */
  readonly timestamp: number;
  /** The HTTP `X-Request-Id` (or the generated id): every record of one request shares it. */
  readonly request_id: string;
  /** 1-based upstream attempt within the request (retries and fallbacks included). */
  readonly attempt: number;
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
  /** Only with `security.audit.include_content: true`. */
  readonly response?: string;
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

export type AuditRecord = LlmRequestRecord | LlmResponseRecord | LlmErrorRecord;

/** The fields every record of one attempt shares. */
export function auditBase(call: ModelCall, provider: string, streamed: boolean, timestamp: number): AuditRecordBase {
  const meta = call.meta;
  return {
    timestamp,
    request_id: meta.requestId,
    attempt: meta.attempt ?? 1,
    provider,
    model: call.model,
    agent: meta.agent.name,
    agent_version: meta.agent.version,
    ...(meta.userId !== undefined ? { user_id: meta.userId } : {}),
    streamed,
  };
}

/** Characters of what is sent as the prompt: the system prompt and every message. */
export function promptLength(call: ModelCall): number {
  return call.system.length + call.messages.reduce((sum, message) => sum + message.content.length, 0);
}
