import { ProviderError } from '../providers/provider-error.js';

/**
 * Why the resilience layer stopped trying one provider and moved on (the `reason` of the
 * `provider.fallback` event and of each entry of a 503's `providers_tried`).
 */
export type FailoverReason =
  | 'circuit_open' // the breaker refused the call (open, or half-open with its trial in flight)
  | 'retries_exhausted' // retryable failures until max_retries was spent
  | 'not_retryable' // the upstream refused the call (400, 401, ...): retrying cannot help
  | 'retry_after_too_long' // the upstream asked for a pause longer than max_retry_after_ms
  | 'deadline' // the next retry would end past the agent's deadline
  | 'disabled' // the provider is not usable (no key, ...)
  | 'latency_threshold' // it took longer than a later fallback's latency_threshold_ms: given up
  | 'aborted'; // the caller went away

/**
 * The final word on one provider for one call, as the `RetryProvider` (or, for an open circuit,
 * the `CircuitBreakerProvider`) ends its turn: the last upstream error's kind, status and
 * message, plus why it stopped and how many upstream attempts it made. `retryAfterMs` is when
 * the provider is worth asking again: the breaker's half-open time when the circuit is open,
 * else what the upstream said.
 */
export class ProviderFailure extends ProviderError {
  readonly reason: FailoverReason;
  /** Upstream attempts made (0 when the circuit refused the call outright). */
  readonly attempts: number;

  constructor(
    message: string,
    options: ConstructorParameters<typeof ProviderError>[1] & { readonly reason: FailoverReason; readonly attempts: number },
  ) {
    super(message, options);
    this.reason = options.reason;
    this.attempts = options.attempts;
  }

  /** `last` as the final word on this provider. */
  static from(last: ProviderError, reason: FailoverReason, attempts: number, retryAfterMs: number | undefined): ProviderFailure {
    return new ProviderFailure(last.message, {
      provider: last.provider,
      kind: last.kind,
      ...(last.status !== undefined ? { status: last.status } : {}),
      retryable: last.retryable,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      cause: last,
      reason,
      attempts,
    });
  }

  /**
   * This failure as the end of a turn that made `previous` upstream attempts before it, the last
   * of them failing with `last`: the attempts add up, and a refusal by the breaker names the
   * error that came before it (`anthropic answered 500; circuit open (next trial in 30 s)`).
   */
  continuing(previous: number, last: ProviderError | undefined): ProviderFailure {
    if (previous === 0) return this;
    if (this.reason === 'circuit_open' && this.attempts === 0 && last) return ProviderFailure.circuitOpen(this.provider, previous, this.retryAfterMs, last);
    return new ProviderFailure(this.message, {
      provider: this.provider,
      kind: this.kind,
      ...(this.status !== undefined ? { status: this.status } : {}),
      retryable: this.retryable,
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      ...(this.cause !== undefined ? { cause: this.cause } : {}),
      reason: this.reason,
      attempts: previous + this.attempts,
    });
  }

  /** The breaker refused the call; `last` is the error that opened it, when this call saw it. */
  static circuitOpen(provider: string, attempts: number, retryAfterMs: number | undefined, last?: ProviderError): ProviderFailure {
    const wait = retryAfterMs === undefined ? 'a trial request is in flight' : `next trial in ${Math.ceil(retryAfterMs / 1000)} s`;
    const message = last ? `${last.message}; circuit open (${wait})` : `${provider}: circuit open (${wait})`;
    return new ProviderFailure(message, {
      provider,
      kind: 'unavailable',
      ...(last?.status !== undefined ? { status: last.status } : {}),
      retryable: true,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(last ? { cause: last } : {}),
      reason: 'circuit_open',
      attempts,
    });
  }
}

/** Anything a provider threw, as a `ProviderError` (a non-`ProviderError` is a bug: not retried). */
export function asProviderError(error: unknown, provider: string): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError(`${provider}: internal error`, { provider, kind: 'unavailable', retryable: false, cause: error });
}
