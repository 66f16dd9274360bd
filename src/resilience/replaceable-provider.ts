import type { ProviderLayer } from '../pipeline/wrap.js';
import type { ClosableProvider } from '../providers/provider-kinds.js';
import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart } from '../providers/provider.js';

/**
 * An adapter that can be swapped while the gateway runs: a rotated key means a new adapter.
 * Calls already under way finish on the old adapter (whose pool closes once they are done);
 * new calls use the new one. Sits innermost, under the audit decorator and the breaker, so
 * they and their state are untouched by a rotation.
 */
export class ReplaceableProvider implements Provider {
  readonly name: string;
  readonly type: ProviderType;
  #current: ClosableProvider;

  constructor(initial: ClosableProvider) {
    this.name = initial.name;
    this.type = initial.type;
    this.#current = initial;
  }

  /** Routes new calls to `next`, and closes the previous adapter once its calls are done. */
  async replace(next: ClosableProvider): Promise<void> {
    const previous = this.#current;
    this.#current = next;
    await previous.close?.();
  }

  complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    return this.#current.complete(call, signal);
  }

  stream(call: ModelCall, signal: AbortSignal): AsyncIterable<StreamPart> {
    return this.#current.stream(call, signal);
  }

  close(): Promise<void> {
    return this.#current.close?.() ?? Promise.resolve();
  }
}

/**
 * The `rotatableKey()` layer, last in the list (directly around the adapter): the adapter
 * becomes a `ReplaceableProvider`, handed to `track` so that a key rotation can swap it for an
 * adapter with the new key. Only for keys that can change (`file:` and `vault:` references).
 *
 * @example
 * wrapProvider(adapter, [retry(...), circuitBreaker(breaker), rotatableKey((provider) => rotations.set(name, provider))]);
 */
export function rotatableKey(track: (provider: ReplaceableProvider) => void): ProviderLayer {
  return (adapter) => {
    const replaceable = new ReplaceableProvider(adapter);
    track(replaceable);
    return replaceable;
  };
}
