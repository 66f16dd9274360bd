import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { ProviderLayer } from '../pipeline/wrap.js';
import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart } from '../providers/provider.js';
import { ProviderError } from '../providers/provider-error.js';
import { abortableSleep, type Sleep } from './abortable-sleep.js';
import { asProviderError, ProviderFailure } from './provider-failure.js';
import type { RetryPolicy } from './retry-policy.js';

/** The schedule, event sink and clock of one provider's `RetryProvider`. */
export interface RetryOptions {
  readonly policy: RetryPolicy;
  /** Receives `provider.retry`. */
  readonly events: EventDispatcher;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

/**
 * A `Provider` decorator that retries retryable failures on the `RetryPolicy`'s schedule and
 * ends with a `ProviderFailure` that says why it stopped (retries spent, not retryable,
 * Retry-After too long, deadline, aborted), so the fallback chain can move on. A
 * `ProviderFailure` from inside (the breaker's open circuit) ends the turn at once.
 *
 * Each attempt gets its own `meta.attempt` number (continuing from the one it was called
 * with), so the layers inside it (audit, attempt events, spans) see one attempt per call. A
 * result carries `attempts`, the upstream attempts this provider made.
 *
 * `stream()` retries only until the first part reaches the consumer; a failure after that
 * propagates as the `ProviderError` it is (a consumer cannot un-read half an answer). A
 * consumer that stops reading early closes the upstream stream.
 *
 * @example
 * const provider = new RetryProvider(new CircuitBreakerProvider(adapter, breaker), {
 *   policy: RetryPolicy.fromConfig(config.providers.anthropic),
 *   events,
 * });
 */
export class RetryProvider implements Provider {
  readonly name: string;
  readonly type: ProviderType;
  readonly #inner: Provider;
  readonly #policy: RetryPolicy;
  readonly #events: EventDispatcher;
  readonly #now: () => number;
  readonly #sleep: Sleep;

  /** The provider it retries, and on which schedule: an agent with its own `retry_config` wraps `inner` anew. */
  get inner(): Provider {
    return this.#inner;
  }

  get policy(): RetryPolicy {
    return this.#policy;
  }

  constructor(inner: Provider, options: RetryOptions) {
    this.name = inner.name;
    this.type = inner.type;
    this.#inner = inner;
    this.#policy = options.policy;
    this.#events = options.events;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? abortableSleep;
  }

  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    const first = call.meta.attempt ?? 1;
    let last: ProviderError | undefined;
    for (let attempts = 1; ; attempts++) {
      try {
        const result = await this.#inner.complete(withAttempt(call, first + attempts - 1), signal);
        return { ...result, attempts };
      } catch (thrown) {
        last = await this.#afterFailure(call, asProviderError(thrown, this.name), attempts, last, signal);
      }
    }
  }

  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    const first = call.meta.attempt ?? 1;
    let last: ProviderError | undefined;
    for (let attempts = 1; ; attempts++) {
      const parts = this.#inner.stream(withAttempt(call, first + attempts - 1), signal)[Symbol.asyncIterator]();
      let head: IteratorResult<StreamPart, unknown>;
      try {
        head = await parts.next();
      } catch (thrown) {
        last = await this.#afterFailure(call, asProviderError(thrown, this.name), attempts, last, signal);
        continue;
      }
      // From here on the consumer has (or is about to have) part of the answer: no more retries.
      let finished = false;
      try {
        for (let next = head; !next.done; next = await parts.next()) {
          yield next.value.type === 'finish' ? { ...next.value, attempts } : next.value;
        }
        finished = true;
      } finally {
        // The consumer stopped reading: close the upstream side too.
        if (!finished) await parts.return?.();
      }
      return;
    }
  }

  /**
   * After failed attempt number `attempts`: waits for the retry and returns the error (the
   * `last` of the next attempt), or throws the failure that ends this provider's turn.
   */
  async #afterFailure(call: ModelCall, error: ProviderError, attempts: number, last: ProviderError | undefined, signal: AbortSignal): Promise<ProviderError> {
    // The breaker's word (the circuit is open): final, whatever the schedule says.
    if (error instanceof ProviderFailure) throw error.continuing(attempts - 1, last);
    const decision = this.#policy.decide(error, attempts - 1, this.#now(), call.meta.deadline);
    if (!decision.retry) throw ProviderFailure.from(error, decision.reason, attempts, error.retryAfterMs);
    this.#events.dispatch({
      type: 'provider.retry',
      requestId: call.meta.requestId,
      provider: this.name,
      attempt: (call.meta.attempt ?? 1) + attempts - 1,
      delayMs: decision.delayMs,
      reason: error.message,
    });
    try {
      await this.#sleep(decision.delayMs, signal);
    } catch {
      // The caller went away during the pause: end as an abort, not as the upstream's error.
      throw ProviderFailure.from(abortedDuringRetry(this.name, signal), 'aborted', attempts, undefined);
    }
    return error;
  }
}

/**
 * The `retry()` layer: retries on `policy`, outside the breaker (each retry asks it for a
 * permit of its own) and outside the audit and tracing layers (each retry is its own attempt).
 *
 * @example
 * wrapProvider(adapter, [retry({ policy: RetryPolicy.fromConfig(config), events }), circuitBreaker(breaker)]);
 */
export function retry(options: RetryOptions): ProviderLayer {
  return (inner) => new RetryProvider(inner, options);
}

function withAttempt(call: ModelCall, attempt: number): ModelCall {
  return { ...call, meta: { ...call.meta, attempt } };
}

function abortedDuringRetry(provider: string, signal: AbortSignal): ProviderError {
  return new ProviderError(`${provider}: request aborted by the caller`, { provider, kind: 'aborted', retryable: false, cause: signal.reason });
}
