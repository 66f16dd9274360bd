import type { EventDispatcher } from '../../events/event-dispatcher.js';
import type { CircuitState, GatewayEventMap, GatewayEventType } from '../../events/gateway-events.js';
import { ProviderError } from '../../providers/provider-error.js';
import type { LabelGuard } from '../label-guard.js';
import { RollingWindow } from './rolling-window.js';
import { scrubText } from './scrub-text.js';
import type { ProviderStatus, RecentError, StatusSnapshot } from './status-snapshot.js';
import { ProviderSlot, TrafficSlot } from './status-slots.js';

const WINDOW_SECONDS = 60;
const RPS_SECONDS = 10;
const RECENT_ERRORS = 20;

interface CircuitRecord {
  state: CircuitState;
  since: number;
  halfOpenAt?: number;
  failures: number;
}

/** What the status page needs to know about a configured provider, beyond the events. */
export interface ProviderDescription {
  readonly name: string;
  readonly type: string;
  readonly disabledReason?: string;
}

/** What the status page shows about the gateway itself, the label guard, and the clock. */
export interface LiveStatusOptions {
  readonly guard: LabelGuard;
  readonly service: string;
  readonly env: string;
  readonly version: string;
  /** Epoch milliseconds; injectable so tests move time without sleeping. */
  readonly now?: () => number;
}

/**
 * The status page's memory: rolling one-minute windows (one slot per second) of requests,
 * 5xx answers, latency sketches, cache hits, rate-limit rejections and per-provider counts,
 * each circuit's state, and the last 20 errors, all fed by gateway events. Fixed memory,
 * O(1) per event; the work of summing the window is done when the page asks, once a second.
 */
export class LiveStatus {
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly traffic: RollingWindow<TrafficSlot>;
  private readonly providers = new Map<string, RollingWindow<ProviderSlot>>();
  private readonly circuits = new Map<string, CircuitRecord>();
  private readonly errors: RecentError[] = [];
  private globalRemaining: number | null = null;

  constructor(private readonly options: LiveStatusOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.traffic = new RollingWindow(WINDOW_SECONDS, () => new TrafficSlot(), this.now);
  }

  /** Subscribes to the events it shows; returns a function that unsubscribes. */
  subscribe(events: EventDispatcher): () => void {
    const offs: (() => void)[] = [];
    const on = <T extends GatewayEventType>(type: T, listener: (event: GatewayEventMap[T]) => void): void => {
      offs.push(events.on(type, listener));
    };
    on('http.request', (e) => {
      if (!e.traffic) return;
      const slot = this.traffic.current();
      slot.requests++;
      if (e.status >= 500) slot.errors++;
      slot.latency.record(e.durationMs);
      if (e.upstreamCalls > 0) slot.overhead.record(Math.max(0, e.durationMs - e.upstreamMs - e.waitedMs));
    });
    on('agent.execution.complete', (e) => {
      if (!e.response.cached) this.provider(e.response.provider).served++;
    });
    on('agent.execution.error', (e) => this.onExecutionError(e));
    on('tool.complete', () => this.traffic.current().toolCalls++);
    on('tool.error', () => {
      const slot = this.traffic.current();
      slot.toolCalls++;
      slot.toolErrors++;
    });
    on('provider.attempt', (e) => {
      if (e.outcome === 'error') this.provider(e.provider).upstreamErrors++;
    });
    on('provider.retry', (e) => this.provider(e.provider).retries++);
    on('provider.fallback', (e) => this.provider(e.from).fallbacks++);
    on('circuit.opened', (e) => this.onCircuit(e));
    on('circuit.half_opened', (e) => this.onCircuit(e));
    on('circuit.closed', (e) => this.onCircuit(e));
    on('cache.lookup', (e) => {
      if (e.result === 'hit') this.traffic.current().cacheHits++;
      else if (e.result === 'miss') this.traffic.current().cacheMisses++;
    });
    on('rate_limit.decision', (e) => {
      if (e.remaining.global !== undefined) this.globalRemaining = e.remaining.global;
      if (e.allowed) return;
      const slot = this.traffic.current();
      if (e.scope === 'user') slot.rejectedUser++;
      else if (e.scope === 'agent') slot.rejectedAgent++;
      else slot.rejectedGlobal++;
    });
    on('store.error', (e) =>
      this.pushError({
        source: 'store', request_id: null, agent: null, provider: null, status: null, kind: `${e.store}:${e.operation}`,
        message: `${e.store} store (${e.backend}) failed on ${e.operation}: ${errorCode(e.error)}`,
      }),
    );
    on('audit.fallback', (e) =>
      this.pushError({
        source: 'audit', request_id: null, agent: null, provider: null, status: null, kind: 'audit_fallback',
        message: `audit sink ${e.sink} failed (${errorCode(e.error)}); ${e.records} record(s) went to the fallback sink`,
      }),
    );
    return () => {
      for (const off of offs) off();
    };
  }

  /** The page's data now, with `providers` describing every configured provider. */
  snapshot(providers: readonly ProviderDescription[]): StatusSnapshot {
    const now = this.now();
    const window = new TrafficSlot();
    const latency = window.latency;
    const overhead = window.overhead;
    const requests: number[] = [];
    const errors: number[] = [];
    let recentRequests = 0;
    this.traffic.forEach((slot, age) => {
      requests.push(slot?.requests ?? 0);
      errors.push(slot?.errors ?? 0);
      if (!slot) return;
      if (age < RPS_SECONDS) recentRequests += slot.requests;
      window.requests += slot.requests;
      window.errors += slot.errors;
      window.cacheHits += slot.cacheHits;
      window.cacheMisses += slot.cacheMisses;
      window.toolCalls += slot.toolCalls;
      window.toolErrors += slot.toolErrors;
      window.rejectedUser += slot.rejectedUser;
      window.rejectedGlobal += slot.rejectedGlobal;
      window.rejectedAgent += slot.rejectedAgent;
      latency.merge(slot.latency);
      overhead.merge(slot.overhead);
    });
    // A gateway up for 3 seconds has 3 seconds of traffic, not 10.
    const rpsSpan = Math.min(RPS_SECONDS, Math.max(1, (now - this.startedAt) / 1000));
    const lookups = window.cacheHits + window.cacheMisses;
    return {
      service: this.options.service,
      version: this.options.version,
      env: this.options.env,
      time: new Date(now).toISOString(),
      uptime_seconds: Math.floor((now - this.startedAt) / 1000),
      window_seconds: WINDOW_SECONDS,
      traffic: {
        rps: round(recentRequests / rpsSpan, 2),
        requests: window.requests,
        errors: window.errors,
        error_rate: window.requests === 0 ? null : round(window.errors / window.requests, 4),
        p50_ms: roundOrNull(latency.quantile(0.5)),
        p95_ms: roundOrNull(latency.quantile(0.95)),
        overhead_p95_ms: roundOrNull(overhead.quantile(0.95), 3),
      },
      cache: { hits: window.cacheHits, misses: window.cacheMisses, hit_rate: lookups === 0 ? null : round(window.cacheHits / lookups, 4) },
      tools: { calls: window.toolCalls, errors: window.toolErrors },
      rate_limit: {
        rejections: window.rejectedUser + window.rejectedGlobal + window.rejectedAgent,
        by_scope: { user: window.rejectedUser, global: window.rejectedGlobal, agent: window.rejectedAgent },
        global_remaining: this.globalRemaining,
      },
      providers: providers.map((p) => this.describeProvider(p)),
      series: { requests, errors },
      recent_errors: [...this.errors].reverse(),
    };
  }

  private describeProvider(description: ProviderDescription): ProviderStatus {
    const circuit = this.circuits.get(description.name);
    const totals = new ProviderSlot();
    this.providers.get(description.name)?.forEach((slot) => {
      if (!slot) return;
      totals.served += slot.served;
      totals.failed += slot.failed;
      totals.upstreamErrors += slot.upstreamErrors;
      totals.retries += slot.retries;
      totals.fallbacks += slot.fallbacks;
    });
    const disabled = description.disabledReason !== undefined;
    return {
      name: description.name,
      type: description.type,
      state: disabled ? 'disabled' : circuit?.state ?? 'closed',
      since: circuit ? new Date(circuit.since).toISOString() : null,
      half_open_at: !disabled && circuit?.state === 'open' && circuit.halfOpenAt !== undefined ? new Date(circuit.halfOpenAt).toISOString() : null,
      detail: disabled
        ? scrubText(description.disabledReason!)
        : circuit?.state === 'open' ? `opened after ${circuit.failures} consecutive failure${circuit.failures === 1 ? '' : 's'}` : null,
      served: totals.served,
      failed: totals.failed,
      upstream_errors: totals.upstreamErrors,
      retries: totals.retries,
      fallbacks: totals.fallbacks,
    };
  }

  private onExecutionError(event: GatewayEventMap['agent.execution.error']): void {
    const error = event.error;
    const providerError = error instanceof ProviderError ? error : undefined;
    // A client that hung up is not an incident.
    if (providerError?.kind === 'aborted') return;
    if (providerError) this.provider(providerError.provider).failed++;
    this.pushError({
      source: 'execution',
      request_id: event.requestId,
      agent: this.options.guard.agent(event.agent.name),
      provider: providerError?.provider ?? null,
      status: providerError?.status ?? null,
      kind: providerError?.kind ?? error.name,
      // Only provider messages are known to be safe; anything else is named, not quoted.
      message: providerError ? scrubText(providerError.message) : `internal error (${error.name})`,
    });
  }

  private onCircuit(event: GatewayEventMap['circuit.opened']): void {
    const name = this.options.guard.provider(event.provider);
    this.circuits.set(name, {
      state: event.to,
      since: event.time,
      failures: event.failures,
      ...(event.halfOpenAt !== undefined ? { halfOpenAt: event.halfOpenAt } : {}),
    });
  }

  private provider(name: string): ProviderSlot {
    const key = this.options.guard.provider(name);
    let window = this.providers.get(key);
    if (!window) {
      window = new RollingWindow(WINDOW_SECONDS, () => new ProviderSlot(), this.now);
      this.providers.set(key, window);
    }
    return window.current();
  }

  private pushError(error: Omit<RecentError, 'time'>): void {
    this.errors.push({ time: new Date(this.now()).toISOString(), ...error });
    if (this.errors.length > RECENT_ERRORS) this.errors.shift();
  }
}

/** An error's code (`ECONNREFUSED`) or class, never its message (a store URL may hold a password). */
function errorCode(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? error.name;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function roundOrNull(value: number | null, digits = 1): number | null {
  return value === null ? null : round(value, digits);
}
