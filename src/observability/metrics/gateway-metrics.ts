import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { BucketHistogram } from './bucket-histogram.js';
import { CountBuffer } from './count-buffer.js';

/** Upstream calls and whole executions: from a cached answer to a slow model. */
const LLM_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
/** HTTP requests: cache hits and 429s take a millisecond, executions take seconds. */
const HTTP_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** What the gateway adds to a request: well under a millisecond when all is well. */
const OVERHEAD_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const FIRST_TOKEN_SECONDS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20];
const REMAINING_TOKENS = [0, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];

/**
 * Every metric the gateway exports, registered on one gateway's own `Registry` (never the
 * global one: several gateways may share a process). Names follow Prometheus conventions:
 * `ossa_` prefix, base units (seconds), `_total` on counters. The README lists them all.
 */
export class GatewayMetrics {
  // Execution (AgentExecutor events)
  readonly executions: Counter<'agent' | 'outcome'>;
  readonly executionDuration: Histogram<'agent' | 'outcome'>;
  readonly executionErrors: Counter<'agent' | 'provider' | 'kind'>;
  readonly tokens: Counter<'provider' | 'model' | 'direction'>;
  readonly toolCalls: Counter<'provider'>;
  // Providers (resilience layer events)
  readonly attemptDuration: Histogram<'provider' | 'outcome'>;
  readonly apiCalls: Counter<'provider'>;
  readonly retries: Counter<'provider'>;
  readonly breakerState: Gauge<'provider'>;
  readonly breakerTransitions: Counter<'provider' | 'state'>;
  readonly fallbackCalls: Counter<'from' | 'to' | 'reason'>;
  // Rate limit and cache
  readonly rateLimitRejections: Counter<'scope' | 'agent'>;
  readonly rateLimitRemaining: Gauge<'scope' | 'agent'>;
  readonly rateLimitUserRemaining: Histogram;
  readonly cacheRequests: Counter<'agent' | 'result'>;
  readonly cacheEvictions: Counter<'reason'>;
  // Token and cost budgets
  readonly budgetRejections: Counter<'budget' | 'agent'>;
  readonly budgetSpent: Gauge<'budget' | 'subject'>;
  readonly budgetHeld: Gauge<'budget' | 'subject'>;
  readonly budgetLimit: Gauge<'budget' | 'subject'>;
  // Server tools (the agent loop)
  readonly toolRuns: Counter<'tool' | 'kind' | 'outcome'>;
  readonly toolDuration: Histogram<'tool' | 'kind'>;
  // Stores, audit, security, streaming
  readonly storeErrors: Counter<'store' | 'backend' | 'operation'>;
  readonly auditSinkFailures: Counter<'sink'>;
  readonly auditFallbackRecords: Counter<'sink'>;
  readonly plaintextKeys: Gauge;
  readonly keyRotations: Counter<'provider'>;
  readonly timeToFirstToken: Histogram<'agent' | 'provider'>;
  readonly authFailures: Counter<'credential' | 'outcome'>;
  readonly authThrottleBursts: Counter<'scope' | 'credential'>;
  readonly connectionsDropped: Counter<'reason'>;
  readonly piiDetections: Counter<'agent' | 'type' | 'surface' | 'action'>;
  // HTTP and the gateway itself
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly overhead: Histogram;
  readonly buildInfo: Gauge<'version'>;
  // Every histogram is a `BucketHistogram` (plain bucket arrays, handed to prom-client at each
  // read). Per-request counts of `executions`, `cacheRequests` and `httpRequests`, added at each read
  // (prom-client's labelled `inc` was ~1 % of a cache hit's CPU): count here, not on the counters.
  readonly executionCounts = new CountBuffer<'agent' | 'outcome'>();
  readonly cacheRequestCounts = new CountBuffer<'agent' | 'result'>();
  readonly httpRequestCounts = new CountBuffer<'method' | 'route' | 'status'>();

  constructor(registry: Registry) {
    const registers = [registry];
    const { executionCounts, cacheRequestCounts, httpRequestCounts } = this;
    this.executions = new Counter({ name: 'ossa_agent_executions_total', help: 'Agent executions by outcome (success, error, aborted by the client).', labelNames: ['agent', 'outcome'], registers, collect() { executionCounts.flushInto(this); } });
    this.executionDuration = new BucketHistogram({ name: 'ossa_agent_execution_duration_seconds', help: 'Agent execution time, retries and fallbacks included.', labelNames: ['agent', 'outcome'], buckets: LLM_SECONDS, registers });
    this.executionErrors = new Counter({ name: 'ossa_agent_execution_errors_total', help: 'Failed executions by the provider that failed last and the kind of failure.', labelNames: ['agent', 'provider', 'kind'], registers });
    this.tokens = new Counter({ name: 'ossa_llm_tokens_total', help: 'Tokens reported by upstreams, by direction (input, output).', labelNames: ['provider', 'model', 'direction'], registers });
    this.toolCalls = new Counter({ name: 'ossa_llm_tool_calls_total', help: 'Tool calls the answers asked for, by the provider that answered (cached answers not counted).', labelNames: ['provider'], registers });

    this.attemptDuration = new BucketHistogram({ name: 'ossa_provider_attempt_duration_seconds', help: 'Upstream attempt time (each retry and fallback is one attempt).', labelNames: ['provider', 'outcome'], buckets: LLM_SECONDS, registers });
    this.apiCalls = new Counter({ name: 'ossa_security_api_calls_total', help: 'Upstream API calls made with a provider key.', labelNames: ['provider'], registers });
    this.retries = new Counter({ name: 'ossa_provider_retries_total', help: 'Retries scheduled after a retryable failure.', labelNames: ['provider'], registers });
    this.breakerState = new Gauge({ name: 'ossa_circuit_breaker_state', help: 'Circuit state: 0 closed, 1 half-open, 2 open.', labelNames: ['provider'], registers });
    this.breakerTransitions = new Counter({ name: 'ossa_circuit_breaker_transitions_total', help: 'Circuit state changes, by the state entered.', labelNames: ['provider', 'state'], registers });
    this.fallbackCalls = new Counter({ name: 'ossa_circuit_breaker_fallback_calls_total', help: 'Moves along a fallback chain, from one provider to the next.', labelNames: ['from', 'to', 'reason'], registers });

    this.rateLimitRejections = new Counter({ name: 'ossa_rate_limit_rejections_total', help: 'Requests rejected by the rate limiter, by the limit that rejected them.', labelNames: ['scope', 'agent'], registers });
    this.rateLimitRemaining = new Gauge({ name: 'ossa_rate_limit_remaining', help: 'Tokens left in the global bucket and in each agent bucket, after the last decision.', labelNames: ['scope', 'agent'], registers });
    this.rateLimitUserRemaining = new BucketHistogram({ name: 'ossa_rate_limit_user_remaining', help: 'Tokens a user had left after each decision (no user label: ids are unbounded).', buckets: REMAINING_TOKENS, registers });
    this.cacheRequests = new Counter({ name: 'ossa_cache_requests_total', help: 'Response cache lookups by result (hit, miss, bypass, refresh, error, disabled).', labelNames: ['agent', 'result'], registers, collect() { cacheRequestCounts.flushInto(this); } });
    this.toolRuns = new Counter({ name: 'ossa_tool_calls_total', help: 'Server tool calls of the agent loop, by tool, kind and outcome (ok, error, invalid_arguments, timeout, aborted).', labelNames: ['tool', 'kind', 'outcome'], registers });
    this.toolDuration = new BucketHistogram({ name: 'ossa_tool_call_duration_seconds', help: 'Server tool call time.', labelNames: ['tool', 'kind'], buckets: LLM_SECONDS, registers });
    this.cacheEvictions = new Counter({ name: 'ossa_cache_evictions_total', help: 'Entries evicted before their TTL, by reason.', labelNames: ['reason'], registers });
    this.budgetRejections = new Counter({ name: 'ossa_budget_rejections_total', help: 'Requests refused by a token or cost budget, by the budget (its config or manifest key) that refused them.', labelNames: ['budget', 'agent'], registers });
    this.budgetSpent = new Gauge({ name: 'ossa_budget_spent', help: "Settled usage in the budget's current window (tokens, or USD for cost budgets), per agent, client and the gateway; users' budgets are not listed.", labelNames: ['budget', 'subject'], registers });
    this.budgetHeld = new Gauge({ name: 'ossa_budget_held', help: 'Usage held by requests in flight (their worst case), in the same units.', labelNames: ['budget', 'subject'], registers });
    this.budgetLimit = new Gauge({ name: 'ossa_budget_limit', help: 'The budget per window, in the same units.', labelNames: ['budget', 'subject'], registers });

    this.storeErrors = new Counter({ name: 'ossa_store_errors_total', help: 'Rate-limit, cache and budget store failures.', labelNames: ['store', 'backend', 'operation'], registers });
    this.auditSinkFailures = new Counter({ name: 'ossa_audit_sink_failures_total', help: 'Audit sink write failures (records went to the fallback sink).', labelNames: ['sink'], registers });
    this.auditFallbackRecords = new Counter({ name: 'ossa_audit_fallback_records_total', help: 'Audit records written to the fallback sink.', labelNames: ['sink'], registers });
    this.plaintextKeys = new Gauge({ name: 'ossa_security_plaintext_keys_detected', help: 'Provider keys written in plain text in the config.', registers });
    this.keyRotations = new Counter({ name: 'ossa_security_key_rotations_total', help: 'Provider keys changed at runtime.', labelNames: ['provider'], registers });
    this.timeToFirstToken = new BucketHistogram({ name: 'ossa_time_to_first_token_seconds', help: 'From a streamed request\'s arrival to its first text byte.', labelNames: ['agent', 'provider'], buckets: FIRST_TOKEN_SECONDS, registers });

    this.authFailures = new Counter({ name: 'ossa_auth_failures_total', help: 'Requests whose credential was refused: rejected (checked, 401) or throttled (429, not checked).', labelNames: ['credential', 'outcome'], registers });
    this.authThrottleBursts = new Counter({ name: 'ossa_auth_throttle_bursts_total', help: 'Bursts of failed authentication that began to be throttled, per address or per credential kind.', labelNames: ['scope', 'credential'], registers });
    this.piiDetections = new Counter({ name: 'ossa_pii_detections_total', help: 'Personal data values found, by type, where (input: what the client sent; output: the answer) and what was done (warn, redact, block).', labelNames: ['agent', 'type', 'surface', 'action'], registers });
    this.connectionsDropped = new Counter({ name: 'ossa_http_connections_dropped_total', help: 'Connections closed unserved: server.max_connections reached, or a request body stalled past server.body_timeout.', labelNames: ['reason'], registers });

    this.httpRequests = new Counter({ name: 'ossa_http_requests_total', help: 'HTTP requests answered, by route pattern and status.', labelNames: ['method', 'route', 'status'], registers, collect() { httpRequestCounts.flushInto(this); } });
    this.httpDuration = new BucketHistogram({ name: 'ossa_http_request_duration_seconds', help: 'HTTP request time, arrival to end of response.', labelNames: ['method', 'route'], buckets: HTTP_SECONDS, registers });
    this.overhead = new BucketHistogram({ name: 'ossa_gateway_overhead_seconds', help: 'Time a request spent in the gateway rather than upstream (requests that called one).', buckets: OVERHEAD_SECONDS, registers });
    this.buildInfo = new Gauge({ name: 'ossa_build_info', help: 'Always 1; the gateway version as a label.', labelNames: ['version'], registers });
  }
}
