import type { CircuitState } from '../../events/gateway-events.js';

/** A provider's row on the status page. */
export interface ProviderStatus {
  readonly name: string;
  readonly type: string;
  /** The breaker's state; `disabled` when the provider could not be built (no key...). */
  readonly state: CircuitState | 'disabled';
  /** When the state last changed (ISO time), when it did since start. */
  readonly since: string | null;
  /** When an open circuit lets a trial request through (ISO time). */
  readonly half_open_at: string | null;
  /** Why it is disabled, or what opened it. */
  readonly detail: string | null;
  /** In the window: executions it answered, executions that failed at it, failed upstream attempts, retries, fallbacks away from it. */
  readonly served: number;
  readonly failed: number;
  readonly upstream_errors: number;
  readonly retries: number;
  readonly fallbacks: number;
}

/** One of the last errors, safe to show: no secret, no prompt text. */
export interface RecentError {
  readonly time: string;
  readonly source: 'execution' | 'store' | 'audit';
  readonly request_id: string | null;
  readonly agent: string | null;
  readonly provider: string | null;
  /** Upstream HTTP status, when there was one. */
  readonly status: number | null;
  /** `ProviderError` kind (`http`, `timeout`, ...), store operation, or error class. */
  readonly kind: string;
  readonly message: string;
}

/** What `GET /status.json` answers and the status page draws. */
export interface StatusSnapshot {
  readonly service: string;
  readonly version: string;
  readonly env: string;
  readonly time: string;
  readonly uptime_seconds: number;
  /** The rolling window the counts below cover, seconds. */
  readonly window_seconds: number;
  readonly traffic: {
    /** Agent requests per second over the last 10 seconds. */
    readonly rps: number;
    readonly requests: number;
    /** Answered 5xx. */
    readonly errors: number;
    readonly error_rate: number | null;
    readonly p50_ms: number | null;
    readonly p95_ms: number | null;
    /** p95 of the time spent in the gateway rather than upstream. */
    readonly overhead_p95_ms: number | null;
  };
  readonly cache: { readonly hits: number; readonly misses: number; readonly hit_rate: number | null };
  /** Server tool calls the agent loop made in the window, and how many ended as a tool error. */
  readonly tools: { readonly calls: number; readonly errors: number };
  readonly rate_limit: {
    readonly rejections: number;
    readonly by_scope: { readonly user: number; readonly global: number; readonly agent: number };
    /** Tokens left in the global bucket after the last decision. */
    readonly global_remaining: number | null;
  };
  readonly providers: readonly ProviderStatus[];
  /** One point per second, oldest first. */
  readonly series: { readonly requests: readonly number[]; readonly errors: readonly number[] };
  readonly recent_errors: readonly RecentError[];
}
