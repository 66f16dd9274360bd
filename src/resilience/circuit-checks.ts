import type { CircuitBreaker } from './circuit-breaker.js';

/** One `/readyz` line per breaker (the shape of `ReadinessCheck`). */
export interface CircuitCheck {
  readonly name: string;
  readonly status: 'ok' | 'degraded';
  readonly detail: string;
  readonly data: Record<string, unknown>;
}

/**
 * The readiness lines of every breaker: `ok` when closed, `degraded` when open or half-open
 * (agents still answer through their fallbacks, so an open circuit never makes the instance
 * unready: every instance would see the same upstream outage).
 */
export function circuitChecks(circuits: ReadonlyMap<string, CircuitBreaker>): CircuitCheck[] {
  return [...circuits.values()].map((breaker) => {
    const snapshot = breaker.toJSON();
    const detail =
      snapshot.state === 'closed' ? 'circuit closed'
      : snapshot.state === 'open' ? `circuit open; trial request in ${Math.ceil((snapshot.retry_after_ms ?? 0) / 1000)} s`
      : 'circuit half-open; the next request is a trial';
    return { name: `circuit:${breaker.provider}`, status: snapshot.state === 'closed' ? 'ok' : 'degraded', detail, data: { ...snapshot } };
  });
}
