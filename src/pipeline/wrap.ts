import type { AgentRunner } from '../executor/agent-response.js';
import type { Provider } from '../providers/provider.js';

/** A decorator as a function: takes what it wraps, returns the wrapped thing. */
export type Layer<T> = (inner: T) => T;

/** A `Provider` decorator (`retry()`, `circuitBreaker()`, `auditLog()`, ...). */
export type ProviderLayer = Layer<Provider>;

/** An `AgentRunner` decorator (`rateLimit()`, `responseCache()`). */
export type RunnerLayer = Layer<AgentRunner>;

/** A list entry: a layer, or `false` / `undefined` for one that is off (so `cond && layer(...)` reads as it means). */
export type LayerEntry<T> = Layer<T> | false | undefined;

/**
 * Wraps `core` in `layers`, the first one outermost, as cockatiel's `wrap` and the AI SDK's
 * `wrapLanguageModel` read: `wrap(core, [a, b])` is `a(b(core))`. Entries that are `false` or
 * `undefined` are skipped, so a layer that is off is simply not in the list.
 */
export function wrap<T>(core: T, layers: readonly LayerEntry<T>[]): T {
  let wrapped = core;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (layer) wrapped = layer(wrapped);
  }
  return wrapped;
}

/**
 * A provider adapter inside its decorators, first outermost.
 *
 * @example
 * const provider = wrapProvider(adapter, [
 *   retry({ policy, events }),
 *   breaker && circuitBreaker(breaker),
 *   audit && auditLog({ audit, includeContent: false }),
 *   attemptEvents(events),
 *   tracing({ upstreamTime }),
 * ]);
 */
export function wrapProvider(adapter: Provider, layers: readonly LayerEntry<Provider>[]): Provider {
  return wrap(adapter, layers);
}

/**
 * The agent executor inside the layers in front of it, first outermost.
 *
 * @example
 * const runner = wrapRunner(executor, [limiter && rateLimit(limiter, routes), cache && responseCache(cache)]);
 */
export function wrapRunner(executor: AgentRunner, layers: readonly LayerEntry<AgentRunner>[]): AgentRunner {
  return wrap(executor, layers);
}
