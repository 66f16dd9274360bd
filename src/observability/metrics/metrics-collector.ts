import { Counter, Registry } from 'prom-client';
import type { EventDispatcher } from '../../events/event-dispatcher.js';
import type { CircuitState, GatewayEventMap, GatewayEventType } from '../../events/gateway-events.js';
import { ProviderError } from '../../providers/provider-error.js';
import { GATEWAY_VERSION } from '../gateway-version.js';
import type { LabelGuard } from '../label-guard.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { processMetricsRegistry } from './process-metrics.js';

/** The value of `ossa_circuit_breaker_state` for each state. */
export const CIRCUIT_STATE_VALUE: Readonly<Record<CircuitState, number>> = { closed: 0, 'half-open': 1, open: 2 };

/** What the collector reads from a provider's circuit breaker when it is scraped. */
export interface BreakerReading {
  /** Failures the breaker counted so far (retryable ones; see `CircuitBreaker.countedFailures`). */
  readonly countedFailures: number;
}

/** What a `MetricsCollector` needs: the label guard, and whether to add Node's process metrics. */
export interface MetricsCollectorOptions {
  readonly guard: LabelGuard;
  /** Node process metrics (CPU, memory, event loop, GC), shared by every gateway of the process. Default on. */
  readonly processMetrics?: boolean;
}

/**
 * The metrics subscriber of ARCHITECTURE.md: turns every gateway event into Prometheus
 * metrics on this gateway's own registry. It only counts; it never throws into a request
 * (the dispatcher isolates it anyway) and never uses a label value that is not bounded:
 * agent and provider names pass the `LabelGuard`, user ids, inputs and keys never appear.
 *
 * @example
 * const collector = new MetricsCollector({ guard: new LabelGuard(agents, providers) });
 * collector.subscribe(gateway.events);
 * const { contentType, body } = await collector.scrape(); // this gateway's metrics, then the process's
 */
export class MetricsCollector {
  /** This gateway's own metrics (the process metrics are not in it: see `processRegistry`). */
  readonly registry = new Registry();
  /** Node's process metrics, one registry per process (`processMetricsRegistry()`); absent with `processMetrics: false`. */
  readonly processRegistry: Registry | undefined;
  readonly metrics: GatewayMetrics;
  private readonly guard: LabelGuard;
  private readonly plaintextKeyProviders = new Set<string>();
  /** Providers whose circuit state an event has set (initialisation must not overwrite it). */
  private readonly circuitsReported = new Set<string>();
  private breakers: ReadonlyMap<string, BreakerReading> = new Map();
  private dispatcher: EventDispatcher | undefined;
  private scrapeSource: (() => Promise<{ contentType: string; body: string }>) | undefined;

  constructor(options: MetricsCollectorOptions) {
    this.guard = options.guard;
    this.metrics = new GatewayMetrics(this.registry);
    this.metrics.buildInfo.set({ version: GATEWAY_VERSION }, 1);
    this.metrics.plaintextKeys.set(0);
    this.mirrorCounter('ossa_event_subscriber_failures_total', 'Event subscribers that threw or rejected (the request went on).', [], () => [[{}, this.dispatcher?.failures ?? 0]]);
    // Read from the breakers themselves: they alone know which failures counted (retryable
    // ones, of calls made since their last state change), and reading costs nothing per request.
    this.mirrorCounter('ossa_circuit_breaker_failures_total', 'Failures each circuit breaker counted (retryable upstream failures).', ['provider'], () =>
      [...this.breakers].map(([name, breaker]) => [{ provider: this.guard.provider(name) }, breaker.countedFailures]),
    );
    this.processRegistry = (options.processMetrics ?? true) ? processMetricsRegistry() : undefined;
  }

  /** Subscribes to every event type it measures; returns a function that unsubscribes. */
  subscribe(events: EventDispatcher): () => void {
    const offs: (() => void)[] = [];
    const on = <T extends GatewayEventType>(type: T, listener: (event: GatewayEventMap[T]) => void): void => {
      offs.push(events.on(type, listener));
    };
    on('agent.execution.complete', (e) => this.onComplete(e));
    on('agent.execution.error', (e) => this.onError(e));
    on('provider.attempt', (e) => this.onAttempt(e));
    on('provider.retry', (e) => this.metrics.retries.inc({ provider: this.guard.provider(e.provider) }));
    on('provider.fallback', (e) => this.metrics.fallbackCalls.inc({ from: this.guard.provider(e.from), to: this.guard.provider(e.to), reason: e.reason }));
    on('circuit.opened', (e) => this.onCircuit(e));
    on('circuit.half_opened', (e) => this.onCircuit(e));
    on('circuit.closed', (e) => this.onCircuit(e));
    on('rate_limit.decision', (e) => this.onRateLimit(e));
    on('cache.lookup', (e) => this.onCacheLookup(e));
    on('budget.decision', (e) => {
      if (!e.allowed) this.metrics.budgetRejections.inc({ budget: e.budget ?? 'unknown', agent: this.guard.agent(e.agent) });
    });
    on('budget.spend', (e) => {
      // Agent names pass the guard; client ids and budget names come from the config, a bounded set.
      const labels = { budget: e.budget, subject: e.scope === 'agent' ? this.guard.agent(e.subject) : e.subject };
      this.metrics.budgetSpent.set(labels, e.spent);
      this.metrics.budgetHeld.set(labels, e.held);
      this.metrics.budgetLimit.set(labels, e.limit);
    });
    on('tool.complete', (e) => this.onTool(e, 'ok'));
    on('tool.error', (e) => this.onTool(e, e.outcome));
    on('cache.eviction', (e) => this.metrics.cacheEvictions.inc({ reason: e.reason }, e.count));
    on('store.error', (e) => this.metrics.storeErrors.inc({ store: e.store, backend: e.backend, operation: e.operation }));
    on('audit.fallback', (e) => {
      this.metrics.auditSinkFailures.inc({ sink: e.sink });
      this.metrics.auditFallbackRecords.inc({ sink: e.sink }, e.records);
    });
    on('security.plaintext_key', (e) => {
      // A set, not a counter: the gauge is "keys in the config", however often it is reported.
      this.plaintextKeyProviders.add(e.provider);
      this.metrics.plaintextKeys.set(this.plaintextKeyProviders.size);
    });
    on('security.key_rotated', (e) => this.metrics.keyRotations.inc({ provider: this.guard.provider(e.provider) }));
    on('stream.first_token', (e) => this.metrics.timeToFirstToken.observe({ agent: this.guard.agent(e.agent), provider: this.guard.provider(e.provider) }, e.ttftMs / 1000));
    on('http.request', (e) => this.onHttpRequest(e));
    on('security.auth_failure', (e) => this.metrics.authFailures.inc({ credential: e.credential, outcome: e.outcome }));
    on('security.auth_throttled', (e) => this.metrics.authThrottleBursts.inc({ scope: e.scope, credential: e.credential }));
    on('pii.detected', (e) => {
      const agent = this.guard.agent(e.agent);
      // Types are a fixed set; values never reach an event.
      for (const [type, count] of Object.entries(e.counts)) this.metrics.piiDetections.inc({ agent, type, surface: e.surface, action: e.action }, count);
    });
    on('server.connection_dropped', (e) => this.metrics.connectionsDropped.inc({ reason: e.reason }));
    this.dispatcher = events;
    return () => {
      for (const off of offs) off();
    };
  }

  /**
   * The providers' circuit breakers, once built: their state gauge reads 0 (closed) from the
   * start instead of being absent, and their failure counts are read at each scrape.
   */
  initBreakers(breakers: ReadonlyMap<string, BreakerReading>): void {
    this.breakers = breakers;
    for (const name of breakers.keys()) {
      const provider = this.guard.provider(name);
      if (!this.circuitsReported.has(provider)) this.metrics.breakerState.set({ provider }, 0);
    }
  }

  /**
   * Makes `scrape()` answer from `source` instead of this process's registries: a worker of
   * `serve --workers` asks the primary, which sums every worker's metrics (`cli/cluster/`).
   */
  scrapeThrough(source: () => Promise<{ contentType: string; body: string }>): void {
    this.scrapeSource = source;
  }

  /** The exposition text and its content type, for `GET /metrics`. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    if (this.scrapeSource) return this.scrapeSource();
    const [own, process] = await Promise.all([this.registry.metrics(), this.processRegistry?.metrics() ?? '']);
    return { contentType: this.registry.contentType, body: own + process };
  }

  private onComplete(event: GatewayEventMap['agent.execution.complete']): void {
    const agent = this.guard.agent(event.agent.name);
    this.metrics.executionCounts.inc({ agent, outcome: 'success' }, agent, 'success');
    this.metrics.executionDuration.observe({ agent, outcome: 'success' }, event.duration / 1000);
    const response = event.response;
    // A cached answer cost no tokens this time.
    if (response.cached) return;
    const provider = this.guard.provider(response.provider);
    const model = this.guard.model(provider, response.model);
    this.metrics.tokens.inc({ provider, model, direction: 'input' }, response.usage.input_tokens);
    this.metrics.tokens.inc({ provider, model, direction: 'output' }, response.usage.output_tokens);
    if (response.tool_calls !== undefined && response.tool_calls.length > 0) this.metrics.toolCalls.inc({ provider }, response.tool_calls.length);
  }

  private onError(event: GatewayEventMap['agent.execution.error']): void {
    const agent = this.guard.agent(event.agent.name);
    const error = event.error;
    const outcome = error instanceof ProviderError && error.kind === 'aborted' ? 'aborted' : 'error';
    this.metrics.executionCounts.inc({ agent, outcome }, agent, outcome);
    this.metrics.executionDuration.observe({ agent, outcome }, event.duration / 1000);
    if (outcome === 'error') {
      const provider = error instanceof ProviderError ? this.guard.provider(error.provider) : 'none';
      this.metrics.executionErrors.inc({ agent, provider, kind: error instanceof ProviderError ? error.kind : 'internal' });
    }
  }

  private onAttempt(event: GatewayEventMap['provider.attempt']): void {
    const provider = this.guard.provider(event.provider);
    this.metrics.apiCalls.inc({ provider });
    this.metrics.attemptDuration.observe({ provider, outcome: event.outcome }, event.durationMs / 1000);
  }

  private onCircuit(event: GatewayEventMap['circuit.opened']): void {
    const provider = this.guard.provider(event.provider);
    this.circuitsReported.add(provider);
    this.metrics.breakerState.set({ provider }, CIRCUIT_STATE_VALUE[event.to]);
    this.metrics.breakerTransitions.inc({ provider, state: event.to });
  }

  /** A tool the model made up is `unknown`: its name is the model's, not a bounded label. */
  private onTool(event: GatewayEventMap['tool.complete'] | GatewayEventMap['tool.error'], outcome: string): void {
    const labels = { tool: event.known ? event.tool : 'unknown', kind: event.kind };
    this.metrics.toolRuns.inc({ ...labels, outcome });
    this.metrics.toolDuration.observe(labels, event.duration / 1000);
  }

  private onCacheLookup(event: GatewayEventMap['cache.lookup']): void {
    const agent = this.guard.agent(event.agent);
    this.metrics.cacheRequestCounts.inc({ agent, result: event.result }, agent, event.result);
  }

  private onRateLimit(event: GatewayEventMap['rate_limit.decision']): void {
    const agent = this.guard.agent(event.agent);
    if (!event.allowed) this.metrics.rateLimitRejections.inc({ scope: event.scope ?? 'unknown', agent });
    const { user, global, agent: agentRemaining } = event.remaining;
    if (global !== undefined) this.metrics.rateLimitRemaining.set({ scope: 'global' }, global);
    if (agentRemaining !== undefined) this.metrics.rateLimitRemaining.set({ scope: 'agent', agent }, agentRemaining);
    if (user !== undefined) this.metrics.rateLimitUserRemaining.observe(user);
  }

  private onHttpRequest(event: GatewayEventMap['http.request']): void {
    const seconds = event.durationMs / 1000;
    const status = String(event.status);
    this.metrics.httpRequestCounts.inc({ method: event.method, route: event.route, status }, event.method, event.route, status);
    this.metrics.httpDuration.observe({ method: event.method, route: event.route }, seconds);
    if (event.upstreamCalls > 0) {
      this.metrics.overhead.observe(Math.max(0, event.durationMs - event.upstreamMs - event.waitedMs) / 1000);
    }
  }

  /**
   * A counter that mirrors running totals kept elsewhere, read at scrape time: each series
   * grows by what its total grew since the last scrape (a series appears, at 0, as soon as
   * its total is known).
   */
  private mirrorCounter<L extends string>(name: string, help: string, labelNames: readonly L[], read: () => [Partial<Record<L, string>>, number][]): void {
    const reported = new Map<string, number>();
    new Counter<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      // prom-client calls collect() with the metric as `this`.
      collect() {
        for (const [labels, total] of read()) {
          const key = JSON.stringify(labels);
          const before = reported.get(key) ?? 0;
          if (total < before) continue;
          this.inc(labels, total - before);
          reported.set(key, total);
        }
      },
    });
  }
}
