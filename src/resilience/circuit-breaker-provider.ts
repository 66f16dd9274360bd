import type { ProviderLayer } from '../pipeline/wrap.js';
import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart } from '../providers/provider.js';
import type { ProviderError } from '../providers/provider-error.js';
import type { CircuitBreaker, CircuitPermit } from './circuit-breaker.js';
import { asProviderError, ProviderFailure } from './provider-failure.js';

/**
 * A `Provider` decorator that asks its breaker for a permit before each call it passes on, so
 * one call is one upstream attempt (it sits inside `retry()`: every retry asks again), and
 * settles the permit by the outcome: a retryable failure counts, a success resets the count,
 * anything else (a refusal such as a 401, an abort) says nothing about the upstream's health.
 *
 * A refused call throws a `ProviderFailure` (`circuit_open`, no attempt) without reaching the
 * upstream. A failure that leaves the circuit open (it opened it, or a concurrent call did)
 * throws one too, naming the later of the half-open time and the upstream's Retry-After, so
 * the retry layer fails over at once instead of sleeping toward a refusal. Other failures pass
 * through as they are.
 *
 * `stream()` holds its permit until the stream ends: a failure after the first part is
 * counted and propagates as the `ProviderError` it is; a consumer that stops reading releases
 * the permit without a verdict and closes the upstream stream.
 *
 * @example
 * const breaker = new CircuitBreaker({ provider: 'anthropic', failureThreshold: 5, resetTimeoutMs: 30_000 });
 * const provider = new CircuitBreakerProvider(adapter, breaker);
 */
export class CircuitBreakerProvider implements Provider {
  readonly name: string;
  readonly type: ProviderType;
  readonly breaker: CircuitBreaker;
  readonly #inner: Provider;

  constructor(inner: Provider, breaker: CircuitBreaker) {
    this.name = inner.name;
    this.type = inner.type;
    this.#inner = inner;
    this.breaker = breaker;
  }

  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    const permit = this.#acquire();
    try {
      const result = await this.#inner.complete(call, signal);
      permit.succeed();
      return result;
    } catch (thrown) {
      throw this.#failed(permit, asProviderError(thrown, this.name), true);
    }
  }

  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    const permit = this.#acquire();
    let delivered = false;
    let settled = false;
    try {
      for await (const part of this.#inner.stream(call, signal)) {
        delivered = true;
        yield part;
      }
      settled = true;
      permit.succeed();
    } catch (thrown) {
      settled = true;
      // Once a part reached the consumer, the failure is the consumer's to see as it is.
      throw this.#failed(permit, asProviderError(thrown, this.name), !delivered);
    } finally {
      // The consumer stopped reading: no verdict on the upstream (the loop closed its stream).
      if (!settled) permit.release();
    }
  }

  /** A permit, or the `ProviderFailure` that says the circuit refused the call. */
  #acquire(): CircuitPermit {
    const permit = this.breaker.tryAcquire();
    if (permit) return permit;
    throw ProviderFailure.circuitOpen(this.name, 0, this.breaker.retryAfterMs());
  }

  /** Settles the permit by `error`; what to throw: the error, or the open circuit it left behind. */
  #failed(permit: CircuitPermit, error: ProviderError, mayFailOver: boolean): ProviderError {
    // Retryable failures count against the breaker; anything else says nothing about its health.
    if (!error.retryable || error.kind === 'aborted') {
      permit.release();
      return error;
    }
    permit.fail();
    const halfOpenIn = this.breaker.retryAfterMs();
    // This failure (or a concurrent one) opened the circuit: fail over now, do not wait for a retry.
    if (mayFailOver && halfOpenIn !== undefined) return ProviderFailure.from(error, 'circuit_open', 1, later(halfOpenIn, error.retryAfterMs));
    return error;
  }
}

/**
 * The `circuitBreaker()` layer: one permit of `breaker` per call. Put it inside `retry()`, so
 * each retry is counted, and use one breaker per provider, shared by every agent.
 *
 * @example
 * wrapProvider(adapter, [retry({ policy, events }), circuitBreaker(breaker), auditLog({ audit, includeContent: false })]);
 */
export function circuitBreaker(breaker: CircuitBreaker): ProviderLayer {
  return (inner) => new CircuitBreakerProvider(inner, breaker);
}

/** The later of two optional waits. */
function later(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
