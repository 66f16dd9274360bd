import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { RouteComposer } from '../executor/agent-route.js';
import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart } from '../providers/provider.js';
import type { ProviderError } from '../providers/provider-error.js';
import { AllProvidersFailedError, type ProviderTried } from './all-providers-failed-error.js';
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
 * The chain moves on after any failure except an abort, and stops once the call's deadline
 * has passed. When no target answers it throws an `AllProvidersFailedError` listing each one
 * and why. `stream()` falls back only until the first part reaches the consumer; once a
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
    for (let index = 0; index < this.targets.length; index++) {
      const target = run.enter(index);
      if (target === STOP) break;
      if (target === undefined) continue;
      try {
        const result = await target.provider.complete(run.callFor(target), signal);
        return { ...result, attempts: run.attempts + (result.attempts ?? 1), fallbackUsed: index > 0 };
      } catch (thrown) {
        run.failed(target, thrown);
      }
    }
    throw run.exhausted();
  }

  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    const run = new ChainRun(this.targets, call, this.#agent, this.#events, this.#now);
    for (let index = 0; index < this.targets.length; index++) {
      const target = run.enter(index);
      if (target === STOP) break;
      if (target === undefined) continue;
      const parts = target.provider.stream(run.callFor(target), signal)[Symbol.asyncIterator]();
      let head: IteratorResult<StreamPart, unknown>;
      try {
        head = await parts.next();
      } catch (thrown) {
        run.failed(target, thrown);
        continue;
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
 *
 * @example
 * const resolution = resolveAgentRoutes(agents, config, catalog, fallbackChain({ events }));
 */
export function fallbackChain(options: Omit<FallbackChainOptions, 'agent'>): RouteComposer {
  return (targets, agent) =>
    new FallbackChainProvider(
      targets.map(({ entry, model, shape }) => ({
        name: entry.name,
        type: entry.type,
        model,
        ...(shape ? { shape } : {}),
        ...(entry.provider ? { provider: entry.provider } : { disabledReason: entry.disabledReason ?? 'disabled' }),
      })),
      { ...options, agent: agent.name },
    );
}

type UsableTarget = ChainTarget & { readonly provider: Provider };

/** The deadline has passed: try no further target. */
const STOP = Symbol('stop');

/** The bookkeeping of one call through the chain: attempts so far, who failed and why. */
class ChainRun {
  attempts = 0;
  readonly #tried: ProviderTried[] = [];
  #lastError: ProviderError | undefined;

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
    if (index > 0) {
      // Past the deadline the next provider could not answer in time either.
      if (this.call.meta.deadline !== undefined && this.now() >= this.call.meta.deadline) return STOP;
      this.events.dispatch({
        type: 'provider.fallback',
        requestId: this.call.meta.requestId,
        agent: this.agent,
        from: this.chain[index - 1]!.name,
        to: target.name,
        reason: this.#tried.at(-1)?.reason ?? 'disabled',
      });
    }
    if (target.provider !== undefined) return target as UsableTarget;
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

  exhausted(): AllProvidersFailedError {
    return new AllProvidersFailedError(this.#tried, this.#lastError);
  }
}
