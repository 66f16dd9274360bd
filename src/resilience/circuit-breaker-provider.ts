import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart } from '../providers/provider.js';
import { ProviderError } from '../providers/provider-error.js';
import { abortableSleep, type Sleep } from './abortable-sleep.js';
import type { CircuitBreaker, CircuitPermit } from './circuit-breaker.js';
import { asProviderError, ProviderFailure } from './provider-failure.js';
import type { RetryPolicy } from './retry-policy.js';

/** The breaker, retry schedule and event sink of one provider's `CircuitBreakerProvider`. */
export interface CircuitBreakerProviderOptions {
  /** The provider's breaker (one per provider, shared by every agent). */
  readonly breaker: CircuitBreaker;
  readonly retry: RetryPolicy;
  /** Receives `provider.retry`. */
  readonly events: EventDispatcher;
  /** Epoch milliseconds; injectable for tests (the breaker has its own). */
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

/**
 * A `Provider` decorator that asks its breaker before every upstream attempt, retries
 * retryable failures on the `RetryPolicy`'s schedule, and ends with a `ProviderFailure` that
 * says why it stopped (circuit open, retries spent, not retryable, Retry-After too long,
 * deadline) so the fallback chain can move on.
 *
 * Each attempt gets its own `meta.attempt` number (continuing from the one it was called
 * with), so the `AuditLoggingProvider` it wraps writes one record pair per attempt. A result
 * carries `attempts`, the upstream attempts this provider made.
 *
 * `stream()` retries only until the first part reaches the consumer; a failure after that
 * propagates as the `ProviderError` it is (a consumer cannot un-read half an answer). A
 * consumer that stops reading early releases the breaker's permit without a verdict and
 * closes the upstream stream.
 *
 * @example
 * const provider = new CircuitBreakerProvider(new AuditLoggingProvider(adapter, audit), {
 *   breaker: new CircuitBreaker({ provider: 'anthropic', failureThreshold: 5, resetTimeoutMs: 30_000 }),
 *   retry: RetryPolicy.fromConfig(config.providers.anthropic),
 *   events,
 * });
 */
export class CircuitBreakerProvider implements Provider {
  readonly name: string;
  readonly type: ProviderType;
  readonly #inner: Provider;
  readonly #breaker: CircuitBreaker;
  readonly #retry: RetryPolicy;
  readonly #events: EventDispatcher;
  readonly #now: () => number;
  readonly #sleep: Sleep;

  constructor(inner: Provider, options: CircuitBreakerProviderOptions) {
    this.name = inner.name;
    this.type = inner.type;
    this.#inner = inner;
    this.#breaker = options.breaker;
    this.#retry = options.retry;
    this.#events = options.events;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? abortableSleep;
  }

  get breaker(): CircuitBreaker {
    return this.#breaker;
  }

  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    const first = call.meta.attempt ?? 1;
    let last: ProviderError | undefined;
    for (let attempts = 0; ; ) {
      const permit = this.#acquire(attempts, last);
      attempts++;
      try {
        const result = await this.#inner.complete(withAttempt(call, first + attempts - 1), signal);
        permit.succeed();
        return { ...result, attempts };
      } catch (thrown) {
        last = asProviderError(thrown, this.name);
        settle(permit, last);
        await this.#afterFailure(call, last, attempts, first, signal);
      }
    }
  }

  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    const first = call.meta.attempt ?? 1;
    let last: ProviderError | undefined;
    for (let attempts = 0; ; ) {
      const permit = this.#acquire(attempts, last);
      attempts++;
      const parts = this.#inner.stream(withAttempt(call, first + attempts - 1), signal)[Symbol.asyncIterator]();
      let head: IteratorResult<StreamPart, unknown>;
      try {
        head = await parts.next();
      } catch (thrown) {
        last = asProviderError(thrown, this.name);
        settle(permit, last);
        await this.#afterFailure(call, last, attempts, first, signal);
        continue;
      }
      // From here on the consumer has (or is about to have) part of the answer: no more retries.
      yield* this.#relay(head, parts, permit, attempts);
      return;
    }
  }

  /** Passes the committed stream through, settling the permit by how it ends. */
  async *#relay(
    head: IteratorResult<StreamPart, unknown>,
    parts: AsyncIterator<StreamPart>,
    permit: CircuitPermit,
    attempts: number,
  ): AsyncGenerator<StreamPart, void, undefined> {
    let finished = false;
    try {
      for (let next = head; !next.done; next = await parts.next()) {
        yield next.value.type === 'finish' ? { ...next.value, attempts } : next.value;
      }
      finished = true;
      permit.succeed();
    } catch (thrown) {
      const error = asProviderError(thrown, this.name);
      settle(permit, error);
      throw error;
    } finally {
      if (!finished) {
        // The consumer stopped reading (or the stream failed): close the upstream side too.
        permit.release();
        await parts.return?.();
      }
    }
  }

  /** A permit, or the `ProviderFailure` that says the circuit refused the call. */
  #acquire(attempts: number, last: ProviderError | undefined): CircuitPermit {
    const permit = this.#breaker.tryAcquire();
    if (permit) return permit;
    throw ProviderFailure.circuitOpen(this.name, attempts, this.#breaker.retryAfterMs(), last);
  }

  /** After a failed attempt: waits for the retry, or throws the failure that ends this provider's turn. */
  async #afterFailure(call: ModelCall, error: ProviderError, attempts: number, first: number, signal: AbortSignal): Promise<void> {
    const decision = this.#retry.decide(error, attempts - 1, this.#now(), call.meta.deadline);
    // This failure (or a concurrent one) may have opened the circuit: then fail over now, do not wait.
    if (!decision.retry && (decision.reason === 'not_retryable' || decision.reason === 'aborted')) {
      throw ProviderFailure.from(error, decision.reason, attempts, error.retryAfterMs);
    }
    const halfOpenIn = this.#breaker.retryAfterMs();
    if (halfOpenIn !== undefined) throw ProviderFailure.from(error, 'circuit_open', attempts, later(halfOpenIn, error.retryAfterMs));
    if (!decision.retry) throw ProviderFailure.from(error, decision.reason, attempts, error.retryAfterMs);
    this.#events.dispatch({
      type: 'provider.retry',
      requestId: call.meta.requestId,
      provider: this.name,
      attempt: first + attempts - 1,
      delayMs: decision.delayMs,
      reason: error.message,
    });
    try {
      await this.#sleep(decision.delayMs, signal);
    } catch {
      // The caller went away during the pause: end as an abort, not as the upstream's error.
      throw ProviderFailure.from(abortedDuringRetry(this.name, signal), 'aborted', attempts, undefined);
    }
  }
}

/** Retryable failures count against the breaker; anything else says nothing about its health. */
function settle(permit: CircuitPermit, error: ProviderError): void {
  if (error.retryable && error.kind !== 'aborted') permit.fail();
  else permit.release();
}

/** The later of two optional waits. */
function later(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

function withAttempt(call: ModelCall, attempt: number): ModelCall {
  return { ...call, meta: { ...call.meta, attempt } };
}

function abortedDuringRetry(provider: string, signal: AbortSignal): ProviderError {
  return new ProviderError(`${provider}: request aborted by the caller`, { provider, kind: 'aborted', retryable: false, cause: signal.reason });
}
