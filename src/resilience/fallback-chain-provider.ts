import type { FallbackTrigger } from '../agents/agent-definition.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { RouteComposer } from '../executor/agent-route.js';
import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart } from '../providers/provider.js';
import { ProviderError } from '../providers/provider-error.js';
import type { Sleep } from './abortable-sleep.js';
import { agentRetries } from './agent-retries.js';
import { AllProvidersFailedError, type ProviderTried } from './all-providers-failed-error.js';
import { latencyBound, nextTarget, type ChainFailure } from './fallback-trigger.js';
import { asProviderError, ProviderFailure, type FailoverReason } from './provider-failure.js';

/** One link of an agent's chain: a configured provider and the model to ask it for. */
export interface ChainTarget {
  readonly name: string;
  readonly type: ProviderType;
  readonly model: string;
  /** The decorated provider; absent when the provider is disabled. */
  readonly provider?: Provider;
  /** Why it is disabled (`no API key: ANTHROPIC_API_KEY is not set`). */
  readonly disabledReason?: string;
  /** Adapts the call to this target (the agent's settings for this provider), after its model is set. */
  readonly shape?: (call: ModelCall) => ModelCall;
  /** Which failures this target takes over (`fallback_models[].trigger`); absent: any. */
  readonly trigger?: FallbackTrigger;
}

/** The agent a chain serves, and where its events go. */
export interface FallbackChainOptions {
  /** The agent this chain serves (for events). */
  readonly agent: string;
  /** Receives `provider.fallback`. */
  readonly events: EventDispatcher;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/**
 * An agent's providers tried in order: the primary, then its fallbacks (the manifest's
 * `fallback_models`, else the primary provider's `fallback_providers`). Each target gets the
 * call with its own model; a disabled target fails instantly (it stays in the chain so the
 * 503 names it). The result says who answered: `provider`, `model`, `fallbackUsed` (anyone
 * but the first target), `attempts` (upstream attempts across the chain).
 *
 * After a failure (an abort aside) the chain moves to the next target that takes it: the
 * first whose `trigger` names it (a 429 goes to an `on_rate_limit` fallback, a status in
 * `error_codes` to that one), else the first that takes any error (`on_error`, or no
 * trigger); none: the chain ends. A target is given up when it takes longer than the
 * shortest `latency_threshold_ms` of the fallbacks after it, and that fallback takes over.
 * The chain stops once the call's deadline has passed. When no target answers it throws an
 * `AllProvidersFailedError` listing each one tried and why. `stream()` falls back only until the first part reaches the consumer; once a
 * target produced a part, it sends a `start` part naming that target, then the target's parts.
 *
 * @example
 * const chain = new FallbackChainProvider(
 *   [{ name: 'anthropic', type: 'anthropic', model: 'claude-sonnet-4-5', provider: anthropic },
 *    { name: 'echo', type: 'echo', model: 'echo', provider: echo }],
 *   { agent: 'customer-support', events },
 * );
 */
export class FallbackChainProvider implements Provider {
  readonly name: string;
  readonly type: ProviderType;
  readonly targets: readonly ChainTarget[];
  readonly #agent: string;
  readonly #events: EventDispatcher;
  readonly #now: () => number;

  constructor(targets: readonly ChainTarget[], options: FallbackChainOptions) {
    if (targets.length === 0) throw new TypeError('a fallback chain needs at least one target');
    this.targets = targets;
    this.name = targets[0]!.name;
    this.type = targets[0]!.type;
    this.#agent = options.agent;
    this.#events = options.events;
    this.#now = options.now ?? Date.now;
  }

  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    const run = new ChainRun(this.targets, call, this.#agent, this.#events, this.#now);
    for (let index: number | undefined = 0; index !== undefined; index = run.next(index)) {
      const target = run.enter(index);
      if (target === STOP) break;
      if (target === undefined) continue;
      const guard = new LatencyGuard(signal, latencyBound(this.targets, index));
      try {
        const result = await target.provider.complete(run.callFor(target), guard.signal);
        return { ...result, attempts: run.attempts + (result.attempts ?? 1), fallbackUsed: index > 0 };
      } catch (thrown) {
        run.failed(target, guard.verdict(thrown, target.name));
      } finally {
        guard.done();
      }
    }
    throw run.exhausted();
  }

  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    const run = new ChainRun(this.targets, call, this.#agent, this.#events, this.#now);
    for (let index: number | undefined = 0; index !== undefined; index = run.next(index)) {
      const target = run.enter(index);
      if (target === STOP) break;
      if (target === undefined) continue;
      // The latency threshold bounds the wait for the first part: once committed, the stream takes its time.
      const guard = new LatencyGuard(signal, latencyBound(this.targets, index));
      const parts = target.provider.stream(run.callFor(target), guard.signal)[Symbol.asyncIterator]();
      let head: IteratorResult<StreamPart, unknown>;
      try {
        head = await parts.next();
      } catch (thrown) {
        run.failed(target, guard.verdict(thrown, target.name));
        continue;
      } finally {
        guard.done();
      }
      // Committed to this target: whatever happens next reaches the consumer as it is.
      const before = run.attempts;
      let finished = false;
      try {
        yield { type: 'start', provider: target.name, model: target.model, fallbackUsed: index > 0 };
        for (let next = head; !next.done; next = await parts.next()) {
          const part = next.value;
          yield part.type === 'finish' ? { ...part, attempts: before + (part.attempts ?? 1), fallbackUsed: index > 0 } : part;
        }
        finished = true;
      } finally {
        if (!finished) await parts.return?.();
      }
      return;
    }
    throw run.exhausted();
  }
}

/**
 * The fallback chain per agent, as the `RouteComposer` agent routes are resolved with: each
 * agent's primary and fallbacks become one `FallbackChainProvider` over the providers' shared,
 * decorated instances (so every agent that uses a provider feeds and obeys its one breaker).
 * An agent with its own `retry_config`, or a fallback with `trigger.max_retries`, gets its own
 * retry layer over the same breaker (`agentRetries`); `sleep` is its pause (tests inject one).
 *
 * @example
 * const resolution = resolveAgentRoutes(agents, config, catalog, fallbackChain({ events }));
 */
export function fallbackChain(options: Omit<FallbackChainOptions, 'agent'> & { readonly sleep?: Sleep }): RouteComposer {
  const { sleep, ...chain } = options;
  return (targets, agent, route) =>
    new FallbackChainProvider(
      targets.map(({ entry, model, shape, settings }, i) => {
        const provider = agentRetries(entry, route.retry, targets[i + 1]?.settings.trigger?.maxRetries, {
          events: options.events,
          ...(options.now ? { now: options.now } : {}),
          ...(sleep ? { sleep } : {}),
        });
        return {
          name: entry.name,
          type: entry.type,
          model,
          ...(shape ? { shape } : {}),
          ...(settings.trigger ? { trigger: settings.trigger } : {}),
          ...(provider ? { provider } : { disabledReason: entry.disabledReason ?? 'disabled' }),
        };
      }),
      { ...chain, agent: agent.name },
    );
}

/**
 * The signal one target is called with: the caller's, aborted too once `boundMs` has passed
 * (undefined: never), so a target slower than a fallback's `latency_threshold_ms` is given up.
 */
class LatencyGuard {
  readonly signal: AbortSignal;
  #exceeded = false;
  readonly #boundMs: number | undefined;
  readonly #done: () => void;

  constructor(outer: AbortSignal, boundMs: number | undefined) {
    this.#boundMs = boundMs;
    if (boundMs === undefined) {
      this.signal = outer;
      this.#done = () => {};
      return;
    }
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(outer.reason);
    outer.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      this.#exceeded = true;
      controller.abort(new Error(`latency threshold of ${boundMs} ms passed`));
    }, boundMs);
    this.signal = controller.signal;
    this.#done = () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    };
  }

  /** What the target's failure was: the latency threshold when it passed first, else what it threw. */
  verdict(thrown: unknown, provider: string): unknown {
    if (!this.#exceeded) return thrown;
    const attempts = thrown instanceof ProviderFailure ? thrown.attempts : 1;
    const slow = new ProviderError(`${provider}: no answer within ${this.#boundMs} ms (a fallback's latency_threshold_ms)`, { provider, kind: 'timeout', retryable: true, cause: thrown });
    return ProviderFailure.from(slow, 'latency_threshold', attempts, undefined);
  }

  done(): void {
    this.#done();
  }
}

type UsableTarget = ChainTarget & { readonly provider: Provider };

/** The deadline has passed: try no further target. */
const STOP = Symbol('stop');

/** The bookkeeping of one call through the chain: attempts so far, who failed and why. */
class ChainRun {
  attempts = 0;
  readonly #tried: ProviderTried[] = [];
  #lastError: ProviderError | undefined;
  /** The target entered last, and how it failed: what picks the next. */
  #previous: number | undefined;
  #failure: ChainFailure = { reason: 'disabled' };

  constructor(
    private readonly chain: readonly ChainTarget[],
    private readonly call: ModelCall,
    private readonly agent: string,
    private readonly events: EventDispatcher,
    private readonly now: () => number,
  ) {}

  /**
   * Moves to target `index`: announces the move (`provider.fallback`) after the first, records
   * a disabled target (and skips it: `undefined`), and stops the chain past the deadline.
   */
  enter(index: number): UsableTarget | undefined | typeof STOP {
    const target = this.chain[index]!;
    if (this.#previous !== undefined) {
      // Past the deadline the next provider could not answer in time either.
      if (this.call.meta.deadline !== undefined && this.now() >= this.call.meta.deadline) return STOP;
      this.events.dispatch({
        type: 'provider.fallback',
        requestId: this.call.meta.requestId,
        agent: this.agent,
        from: this.chain[this.#previous]!.name,
        to: target.name,
        reason: this.#tried.at(-1)?.reason ?? 'disabled',
      });
    }
    this.#previous = index;
    if (target.provider !== undefined) return target as UsableTarget;
    this.#failure = { reason: 'disabled' };
    this.#tried.push({
      provider: target.name,
      model: target.model,
      reason: 'disabled',
      detail: `${target.name} is disabled (${target.disabledReason ?? 'not configured'})`,
      attempts: 0,
    });
    return undefined;
  }

  callFor(target: ChainTarget): ModelCall {
    const call: ModelCall = { ...this.call, model: target.model, meta: { ...this.call.meta, attempt: this.attempts + 1 } };
    return target.shape ? target.shape(call) : call;
  }

  /** Records a target's failure; an abort ends the whole call at once. */
  failed(target: ChainTarget, thrown: unknown): void {
    const error = asProviderError(thrown, target.name);
    if (error.kind === 'aborted' || (error instanceof ProviderFailure && error.reason === 'aborted')) throw error;
    const reason: FailoverReason = error instanceof ProviderFailure ? error.reason : error.retryable ? 'retries_exhausted' : 'not_retryable';
    const attempts = error instanceof ProviderFailure ? error.attempts : 1;
    this.attempts += attempts;
    this.#lastError = error;
    this.#failure = { reason, kind: error.kind, ...(error.status !== undefined ? { status: error.status } : {}) };
    this.#tried.push({
      provider: target.name,
      model: target.model,
      reason,
      detail: error.message,
      ...(error.status !== undefined ? { status: error.status } : {}),
      attempts,
      ...(error.retryAfterMs !== undefined ? { retry_after_ms: error.retryAfterMs } : {}),
    });
  }

  /** The target to try after `index` failed: the next one whose trigger takes the failure (see `nextTarget`). */
  next(index: number): number | undefined {
    return nextTarget(this.chain, index, this.#failure);
  }

  exhausted(): AllProvidersFailedError {
    return new AllProvidersFailedError(this.#tried, this.#lastError);
  }
}
