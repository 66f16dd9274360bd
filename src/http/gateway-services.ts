import type { Logger } from 'pino';
import type { TokenBudgets } from '../budgets/token-budgets.js';
import type { ResponseCache } from '../cache/response-cache.js';
import type { OssaConfig } from '../config/ossa-config.js';
import type { AgentExecutor } from '../executor/agent-executor.js';
import type { AgentRunner } from '../executor/agent-response.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { Observability } from '../observability/observability.js';
import type { ProviderCatalog } from '../providers/provider-catalog.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { Authenticator } from './auth/authenticator.js';
import type { CircuitBreaker } from '../resilience/circuit-breaker.js';

/** One line of `/readyz`: a dependency and how it is doing. */
export interface ReadinessCheck {
  readonly name: string;
  /** `ok`: fine; `degraded`: serving, with less (a provider disabled, Redis down in fail-open); `fail`: not ready. */
  readonly status: 'ok' | 'degraded' | 'fail';
  readonly detail?: string;
  readonly data?: Record<string, unknown>;
}

export type ReadinessProbe = () => ReadinessCheck | ReadinessCheck[] | Promise<ReadinessCheck | ReadinessCheck[]>;

/** What the HTTP layer needs from the gateway: the composition root provides it. */
export interface GatewayServices {
  readonly config: OssaConfig;
  readonly logger: Logger;
  /** The front of the execution pipeline: the executor inside its runner layers (rate limit, cache). */
  readonly runner: AgentRunner;
  readonly executor: AgentExecutor;
  readonly catalog: ProviderCatalog;
  /** Each provider's circuit breaker (for `/v1/providers` and `/readyz`). */
  readonly circuits: ReadonlyMap<string, CircuitBreaker>;
  readonly events: EventDispatcher;
  /** Metrics, live status, upstream timing and traces (`/metrics`, `/status`). */
  readonly observability: Observability;
  /** Probes `/readyz` runs; later layers (breakers, Redis) add theirs. */
  readonly readinessProbes: ReadinessProbe[];
  /** True once `close()` began: a request that still arrives gets a 503 `shutting-down`. */
  readonly shuttingDown: boolean;
  /**
   * True from `drain()` (SIGTERM with `server.shutdown_delay`) or `close()` on, so whenever
   * `shuttingDown` is: `/readyz` answers 503 and every answer closes its connection.
   */
  readonly draining: boolean;
  /** Every key the HTTP API checks: clients, admins, the metrics token (`requireClient` / `requireAdmin` use it). */
  readonly auth: Authenticator;
  /** The limiter of the `rateLimit()` layer in `runner`; absent when `rate_limit.enabled` is false. */
  readonly rateLimiter?: RateLimiter;
  /** The response cache (its `responseCache()` layer is in `runner`); absent when `cache.enabled` is false. */
  readonly cache?: ResponseCache;
  /** The token and cost budgets of the `budget()` layer in `runner`; absent when none is declared or `budgets.enabled` is false. */
  readonly budgets?: TokenBudgets;
}
