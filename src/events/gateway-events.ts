import type { AgentDefinition } from '../agents/agent-definition.js';
import type { AgentResponse, ExecutionContext } from '../executor/agent-response.js';

/** Dispatched before the provider is called. Times are epoch milliseconds. */
export interface AgentExecutionStartEvent {
  readonly type: 'agent.execution.start';
  readonly requestId: string;
  readonly agent: AgentDefinition;
  readonly input: string;
  readonly context: ExecutionContext;
  readonly userId?: string;
  readonly startTime: number;
}

export interface AgentExecutionCompleteEvent {
  readonly type: 'agent.execution.complete';
  readonly requestId: string;
  readonly agent: AgentDefinition;
  readonly response: AgentResponse;
  readonly userId?: string;
  readonly startTime: number;
  readonly endTime: number;
  /** Milliseconds. */
  readonly duration: number;
}

export interface AgentExecutionErrorEvent {
  readonly type: 'agent.execution.error';
  readonly requestId: string;
  readonly agent: AgentDefinition;
  readonly error: Error;
  readonly input: string;
  readonly context: ExecutionContext;
  readonly userId?: string;
  readonly startTime: number;
  readonly errorTime: number;
  /** Milliseconds. */
  readonly duration: number;
}

/** One real upstream attempt finished (each retry and each fallback is one attempt). */
export interface ProviderAttemptEvent {
  readonly type: 'provider.attempt';
  readonly requestId: string;
  readonly agent: string;
  readonly provider: string;
  readonly model: string;
  /** 1-based, across retries and fallbacks of one execution. */
  readonly attempt: number;
  readonly outcome: 'success' | 'error' | 'aborted';
  readonly durationMs: number;
  readonly usage?: { readonly inputTokens: number; readonly outputTokens: number };
  /** `ProviderError.kind` and upstream status, on error. */
  readonly errorKind?: string;
  readonly status?: number;
  readonly streamed: boolean;
}

/** A retry is scheduled after a retryable failure. */
export interface ProviderRetryEvent {
  readonly type: 'provider.retry';
  readonly requestId: string;
  readonly provider: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

/** The chain moved on from one provider to the next. */
export interface ProviderFallbackEvent {
  readonly type: 'provider.fallback';
  readonly requestId: string;
  readonly agent: string;
  readonly from: string;
  readonly to: string;
  /** `circuit_open`, `retries_exhausted`, `disabled`, `not_retryable`, `retry_after_too_long`, `deadline`. */
  readonly reason: string;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/** A provider's breaker changed state. */
export interface CircuitStateEvent {
  readonly type: 'circuit.opened' | 'circuit.half_opened' | 'circuit.closed';
  readonly provider: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** Consecutive retryable failures counted when it opened. */
  readonly failures: number;
  /** When an open circuit will let a trial request through. */
  readonly halfOpenAt?: number;
  readonly time: number;
}

/** The rate limiter decided. Dispatched for every checked request. */
export interface RateLimitDecisionEvent {
  readonly type: 'rate_limit.decision';
  readonly agent: string;
  readonly allowed: boolean;
  /** The limit that rejected the request, when rejected. */
  readonly scope?: 'user' | 'global' | 'agent';
  /** Tokens left in each bucket that applied (after this request). */
  readonly remaining: { readonly user?: number; readonly global?: number; readonly agent?: number };
  readonly retryAfterMs?: number;
}

/** A store (rate limit, cache) failed; the request went on (fail-open) or got a 503. */
export interface StoreErrorEvent {
  readonly type: 'store.error';
  readonly store: 'rate_limit' | 'cache';
  readonly backend: string;
  readonly operation: string;
  readonly error: Error;
}

/** The response cache was consulted. */
export interface CacheLookupEvent {
  readonly type: 'cache.lookup';
  readonly agent: string;
  readonly result: 'hit' | 'miss' | 'bypass' | 'refresh' | 'error' | 'disabled';
}

/** Entries left the cache before their TTL (size bounds). */
export interface CacheEvictionEvent {
  readonly type: 'cache.eviction';
  readonly count: number;
  readonly reason: 'entries' | 'bytes' | 'expired';
}

/** An audit sink failed and records went to the fallback sink (stderr). */
export interface AuditFallbackEvent {
  readonly type: 'audit.fallback';
  readonly sink: string;
  readonly records: number;
  readonly error: Error;
}

/** A provider key changed at runtime (vault or secret file re-read). */
export interface KeyRotationEvent {
  readonly type: 'security.key_rotated';
  readonly provider: string;
  readonly origin: string;
}

/** A provider key was found written in plain text in the config. */
export interface PlaintextKeyEvent {
  readonly type: 'security.plaintext_key';
  readonly provider: string;
}

/** The server closed a connection it would not serve: too many open, or a request body that stalled. */
export interface ConnectionDroppedEvent {
  readonly type: 'server.connection_dropped';
  readonly reason: 'max_connections' | 'body_timeout';
}

/** Which kind of credential a request presented. */
export type CredentialKind = 'client' | 'admin' | 'metrics';

/**
 * A request's credential was refused: `rejected` (checked, not valid: 401) or `throttled`
 * (its address or the credential is throttled after repeated failures: 429, not checked).
 */
export interface AuthFailureEvent {
  readonly type: 'security.auth_failure';
  readonly credential: CredentialKind;
  readonly outcome: 'rejected' | 'throttled';
}

/** A burst of failed authentications is now throttled: once per burst, per address or per credential kind. */
export interface AuthThrottledEvent {
  readonly type: 'security.auth_throttled';
  /** `address`: one source address failed too often; `credential`: too many failures for this kind of key, from anywhere. */
  readonly scope: 'address' | 'credential';
  readonly credential: CredentialKind;
  /** How long requests are refused unchecked (from the address, or from addresses that failed). */
  readonly retryAfterMs: number;
}

/** The first token of a streamed answer reached the client. */
export interface StreamFirstTokenEvent {
  readonly type: 'stream.first_token';
  readonly requestId: string;
  readonly agent: string;
  readonly provider: string;
  /** From the request's arrival to the first text byte written to the client. */
  readonly ttftMs: number;
}

/**
 * Dispatched once per HTTP request the gateway's routes answered, after the response was
 * sent. It feeds the HTTP metrics, the gateway-overhead histogram and the status page's
 * requests per second, latency and error rate.
 */
export interface HttpRequestEvent {
  readonly type: 'http.request';
  readonly requestId: string;
  readonly method: string;
  /** The route pattern (`/v1/agents/:name/execute`), prefix included: bounded, unlike the URL. */
  readonly route: string;
  readonly status: number;
  /** From the request's arrival to the end of the response, milliseconds. */
  readonly durationMs: number;
  /** Agent traffic, as opposed to the operational routes (health, readiness, metrics, status). */
  readonly traffic: boolean;
  /** Upstream attempts the request made, the time spent in them, and retry backoff (ms). */
  readonly upstreamCalls: number;
  readonly upstreamMs: number;
  readonly waitedMs: number;
}

/**
 * Every event the gateway dispatches, by type: one declaration, in one place, so that every
 * subscriber (the metrics collector, the status page, custom handlers) codes against one
 * contract. All are cheap to build and dispatched synchronously; times are epoch milliseconds.
 */
/** What every tool event says: which call of which run, of which tool. Times are epoch milliseconds. */
interface ToolEventBase {
  readonly requestId: string;
  readonly agent: string;
  readonly userId?: string;
  /** The model's id of the call. */
  readonly callId: string;
  readonly tool: string;
  /** `function`, `http`, `mcp`. */
  readonly kind: string;
  /** False for a call of a tool the agent does not have (the model made it up): not a metric label. */
  readonly known: boolean;
  readonly argumentBytes: number;
}

/** The agent loop starts a server tool call. */
export interface ToolStartEvent extends ToolEventBase {
  readonly type: 'tool.start';
  readonly startTime: number;
}

/** A server tool call answered. */
export interface ToolCompleteEvent extends ToolEventBase {
  readonly type: 'tool.complete';
  /** Milliseconds. */
  readonly duration: number;
  readonly resultBytes: number;
  readonly truncated: boolean;
  /** The call's arguments (the model's JSON text) and the result sent back (bounded, redacted): for the audit log's `include_content`. */
  readonly arguments: string;
  readonly result: string;
}

/** A server tool call failed: it threw or said so (`error`), its arguments were refused, it timed out, or the run was stopped. */
export interface ToolErrorEvent extends ToolEventBase {
  readonly type: 'tool.error';
  readonly outcome: 'error' | 'invalid_arguments' | 'timeout' | 'aborted';
  /** Milliseconds. */
  readonly duration: number;
  /** What the model was told (bounded, redacted). */
  readonly message: string;
  readonly resultBytes: number;
  readonly arguments: string;
}

export interface GatewayEventMap {
  'tool.start': ToolStartEvent;
  'tool.complete': ToolCompleteEvent;
  'tool.error': ToolErrorEvent;
  'agent.execution.start': AgentExecutionStartEvent;
  'agent.execution.complete': AgentExecutionCompleteEvent;
  'agent.execution.error': AgentExecutionErrorEvent;
  'provider.attempt': ProviderAttemptEvent;
  'provider.retry': ProviderRetryEvent;
  'provider.fallback': ProviderFallbackEvent;
  'circuit.opened': CircuitStateEvent;
  'circuit.half_opened': CircuitStateEvent;
  'circuit.closed': CircuitStateEvent;
  'rate_limit.decision': RateLimitDecisionEvent;
  'store.error': StoreErrorEvent;
  'cache.lookup': CacheLookupEvent;
  'cache.eviction': CacheEvictionEvent;
  'audit.fallback': AuditFallbackEvent;
  'security.key_rotated': KeyRotationEvent;
  'security.plaintext_key': PlaintextKeyEvent;
  'stream.first_token': StreamFirstTokenEvent;
  'http.request': HttpRequestEvent;
  'server.connection_dropped': ConnectionDroppedEvent;
  'security.auth_failure': AuthFailureEvent;
  'security.auth_throttled': AuthThrottledEvent;
}

export type GatewayEventType = keyof GatewayEventMap;
export type GatewayEvent = GatewayEventMap[GatewayEventType];
