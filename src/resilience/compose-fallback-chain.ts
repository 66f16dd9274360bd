import type { RouteComposer } from '../executor/agent-route.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import { FallbackChainProvider } from './fallback-chain-provider.js';

/**
 * The `RouteComposer` the gateway resolves agent routes with: each agent's primary and
 * fallbacks become one `FallbackChainProvider` over the providers' shared decorated instances
 * (so every agent that uses a provider counts against the same breaker).
 */
export function composeFallbackChain(events: EventDispatcher, now?: () => number): RouteComposer {
  return (targets, agent) =>
    new FallbackChainProvider(
      targets.map(({ entry, model, shape }) => ({
        name: entry.name,
        type: entry.type,
        model,
        ...(shape ? { shape } : {}),
        ...(entry.provider ? { provider: entry.provider } : { disabledReason: entry.disabledReason ?? 'disabled' }),
      })),
      { agent: agent.name, events, ...(now ? { now } : {}) },
    );
}
