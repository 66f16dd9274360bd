import type { CircuitState, CircuitStateEvent } from '../events/gateway-events.js';

/** `closed`, `open` or `half-open` (declared with the `circuit.*` events). */
export type { CircuitState };

/** One state change, as the breaker reports it to its listeners: the `circuit.*` event without its type. */
export type CircuitTransition = Omit<CircuitStateEvent, 'type'>;

/** What `/v1/providers` and `/readyz` show of a breaker. Times are ISO 8601. */
export interface CircuitSnapshot {
  readonly state: CircuitState;
  readonly consecutive_failures: number;
  readonly failure_threshold: number;
  readonly reset_timeout_ms: number;
  readonly opened_at: string | null;
  readonly half_open_at: string | null;
  /** Milliseconds until the next trial request, while open. */
  readonly retry_after_ms: number | null;
  readonly trial_in_flight: boolean;
  readonly totals: { readonly successes: number; readonly failures: number; readonly rejected: number; readonly opened: number };
}

/**
 * The right to make one upstream call, handed out by `CircuitBreaker.tryAcquire`. Settle it
 * exactly once: `succeed()`, `fail()` (a retryable failure), or `release()` (an outcome that
 * says nothing about the upstream's health: a non-retryable error, an abort). Later calls are
 * ignored, as are the outcomes of permits handed out before the last state change.
 */
export interface CircuitPermit {
  /** True for the one trial request of a half-open circuit. */
  readonly trial: boolean;
  succeed(): void;
  fail(): void;
  release(): void;
}

/** One breaker's threshold, reset timeout and clock. */
export interface CircuitBreakerOptions {
  /** The provider it guards (for events and messages). */
  readonly provider: string;
  /** Consecutive retryable failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one trial request. */
  readonly resetTimeoutMs: number;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/**
 * One provider's circuit breaker, shared by every agent that calls it:
 *
 * - `closed`: calls go through; `failure_threshold` consecutive retryable failures open it.
 * - `open`: calls are refused (the caller falls back) until `reset_timeout` has passed.
 * - `half-open`: exactly one trial call goes through; others are refused meanwhile. The
 *   trial's success closes the circuit, its failure opens it again for another `reset_timeout`.
 *
 * Non-retryable failures (400, 401, ...) and aborts neither count nor reset the count; a
 * half-open trial that ends that way frees the trial slot for the next caller. Time is read
 * from the injected clock and the open -> half-open change happens on the first look after
 * `reset_timeout` (no timers to leak or fake).
 *
 * @example
 * const breaker = new CircuitBreaker({ provider: 'anthropic', failureThreshold: 5, resetTimeoutMs: 30_000 });
 * const permit = breaker.tryAcquire();
 * if (!permit) return fallBack();
 * try { const result = await call(); permit.succeed(); return result; }
 * catch (error) { isRetryable(error) ? permit.fail() : permit.release(); throw error; }
 */
export class CircuitBreaker {
  readonly provider: string;
  readonly #threshold: number;
  readonly #resetTimeoutMs: number;
  readonly #now: () => number;
  readonly #listeners = new Set<(transition: CircuitTransition) => void>();
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt: number | undefined;
  #halfOpenAt: number | undefined;
  #trialInFlight = false;
  /** Bumped on every state change; permits of an older generation settle as no-ops. */
  #generation = 0;
  readonly #totals = { successes: 0, failures: 0, rejected: 0, opened: 0 };

  constructor(options: CircuitBreakerOptions) {
    this.provider = options.provider;
    this.#threshold = options.failureThreshold;
    this.#resetTimeoutMs = options.resetTimeoutMs;
    this.#now = options.now ?? Date.now;
  }

  /** The current state (an open circuit whose timeout has passed reads as half-open). */
  get state(): CircuitState {
    this.#refresh();
    return this.#state;
  }

  /** Consecutive retryable failures counted so far. */
  get failures(): number {
    return this.#failures;
  }

  /**
   * Failures the breaker counted since it was made: retryable ones only, and not those of
   * calls that started before its last state change (the `ossa_circuit_breaker_failures_total` metric).
   */
  get countedFailures(): number {
    return this.#totals.failures;
  }

  /** Subscribes to state changes; returns a function that unsubscribes. */
  onTransition(listener: (transition: CircuitTransition) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A permit for one call, or `undefined` when the circuit refuses it. */
  tryAcquire(): CircuitPermit | undefined {
    this.#refresh();
    if (this.#state === 'open' || (this.#state === 'half-open' && this.#trialInFlight)) {
      this.#totals.rejected++;
      return undefined;
    }
    const trial = this.#state === 'half-open';
    if (trial) this.#trialInFlight = true;
    return this.#permit(trial);
  }

  /** Milliseconds until an open circuit lets a trial through; `undefined` when not open. */
  retryAfterMs(): number | undefined {
    this.#refresh();
    if (this.#state !== 'open' || this.#halfOpenAt === undefined) return undefined;
    return Math.max(0, this.#halfOpenAt - this.#now());
  }

  toJSON(): CircuitSnapshot {
    const retryAfter = this.retryAfterMs();
    return {
      state: this.#state,
      consecutive_failures: this.#failures,
      failure_threshold: this.#threshold,
      reset_timeout_ms: this.#resetTimeoutMs,
      opened_at: this.#openedAt === undefined ? null : new Date(this.#openedAt).toISOString(),
      half_open_at: this.#halfOpenAt === undefined ? null : new Date(this.#halfOpenAt).toISOString(),
      retry_after_ms: retryAfter ?? null,
      trial_in_flight: this.#trialInFlight,
      totals: { ...this.#totals },
    };
  }

  #permit(trial: boolean): CircuitPermit {
    const generation = this.#generation;
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      if (trial && generation === this.#generation) this.#trialInFlight = false;
      if (generation === this.#generation) outcome();
    };
    return {
      trial,
      succeed: () => settle(() => this.#onSuccess()),
      fail: () => settle(() => this.#onFailure()),
      release: () => settle(() => undefined),
    };
  }

  #onSuccess(): void {
    this.#totals.successes++;
    this.#failures = 0;
    if (this.#state === 'half-open') this.#transition('closed');
  }

  #onFailure(): void {
    this.#totals.failures++;
    this.#failures++;
    if (this.#state === 'half-open' || this.#failures >= this.#threshold) this.#transition('open');
  }

  #refresh(): void {
    if (this.#state === 'open' && this.#halfOpenAt !== undefined && this.#now() >= this.#halfOpenAt) this.#transition('half-open');
  }

  #transition(to: CircuitState): void {
    const from = this.#state;
    const time = this.#now();
    this.#state = to;
    this.#generation++;
    this.#trialInFlight = false;
    if (to === 'open') {
      this.#totals.opened++;
      this.#openedAt = time;
      this.#halfOpenAt = time + this.#resetTimeoutMs;
    } else if (to === 'closed') {
      this.#failures = 0;
      this.#openedAt = undefined;
      this.#halfOpenAt = undefined;
    }
    const transition: CircuitTransition = {
      provider: this.provider,
      from,
      to,
      failures: this.#failures,
      ...(to === 'open' ? { halfOpenAt: this.#halfOpenAt! } : {}),
      time,
    };
    for (const listener of this.#listeners) {
      try {
        listener(transition);
      } catch {
        // A listener is reporting (events, logs); its failure must not change the breaker.
      }
    }
  }
}
