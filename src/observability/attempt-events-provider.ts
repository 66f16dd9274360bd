import { performance } from 'node:perf_hooks';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { ProviderAttemptEvent } from '../events/gateway-events.js';
import type { ProviderLayer } from '../pipeline/wrap.js';
import { observeStream } from '../providers/observe-stream.js';
import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart, Usage } from '../providers/provider.js';
import { ProviderError } from '../providers/provider-error.js';

/**
 * A `Provider` decorator that dispatches one `provider.attempt` event per call: model, outcome
 * (`success`, `error`, `aborted`), duration, usage or the error's kind and status. The metrics
 * collector and the status page count upstream attempts from it. Inside the retry and breaker
 * layers, so each retry and each fallback is one event. Costs nothing but a clock read when
 * nobody listens.
 *
 * A stream is an attempt that ends at its finish part; one that fails midway is an `error`, one
 * whose consumer stops reading is `aborted`.
 *
 * @example
 * const observed = new AttemptEventsProvider(adapter, events);
 */
export class AttemptEventsProvider implements Provider {
  readonly name: string;
  readonly type: ProviderType;
  readonly #inner: Provider;
  readonly #events: EventDispatcher;

  constructor(inner: Provider, events: EventDispatcher) {
    this.name = inner.name;
    this.type = inner.type;
    this.#inner = inner;
    this.#events = events;
  }

  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    const started = performance.now();
    let result: ModelResult;
    try {
      result = await this.#inner.complete(call, signal);
    } catch (error) {
      this.#failed(call, started, false, error);
      throw error;
    }
    this.#succeeded(call, started, false, result.model, result.usage);
    return result;
  }

  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    const started = performance.now();
    yield* observeStream(this.name, this.#inner.stream(call, signal), {
      finished: (finish) => this.#succeeded(call, started, true, finish.model, finish.usage),
      failed: (error) => this.#failed(call, started, true, error),
    });
  }

  #succeeded(call: ModelCall, started: number, streamed: boolean, model: string, usage: Usage): void {
    if (!this.#events.hasListeners('provider.attempt')) return;
    this.#dispatch(call, model, 'success', started, streamed, { usage });
  }

  #failed(call: ModelCall, started: number, streamed: boolean, error: unknown): void {
    if (!this.#events.hasListeners('provider.attempt')) return;
    const providerError = error instanceof ProviderError ? error : undefined;
    this.#dispatch(call, call.model, providerError?.kind === 'aborted' ? 'aborted' : 'error', started, streamed, {
      ...(providerError ? { errorKind: providerError.kind } : {}),
      ...(providerError?.status !== undefined ? { status: providerError.status } : {}),
    });
  }

  #dispatch(call: ModelCall, model: string, outcome: ProviderAttemptEvent['outcome'], started: number, streamed: boolean, extra: Pick<ProviderAttemptEvent, 'usage' | 'errorKind' | 'status'>): void {
    this.#events.dispatch({
      type: 'provider.attempt',
      requestId: call.meta.requestId,
      agent: call.meta.agent.name,
      provider: this.name,
      model,
      attempt: call.meta.attempt ?? 1,
      outcome,
      durationMs: round(performance.now() - started),
      streamed,
      ...extra,
    });
  }
}

/**
 * The `attemptEvents()` layer: `provider.attempt` per call, audit on or off. Put it inside
 * `retry()` and the breaker.
 *
 * @example
 * wrapProvider(adapter, [retry(...), circuitBreaker(breaker), attemptEvents(events), tracing({ upstreamTime })]);
 */
export function attemptEvents(events: EventDispatcher): ProviderLayer {
  return (inner) => new AttemptEventsProvider(inner, events);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
