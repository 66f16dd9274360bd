import type { AgentRetryPolicy } from '../agents/agent-definition.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { ProviderEntry } from '../providers/provider-catalog.js';
import type { Provider } from '../providers/provider.js';
import type { Sleep } from './abortable-sleep.js';
import { RetryProvider } from './retry-provider.js';
import { RetryPolicy } from './retry-policy.js';

/** Where the retries an agent's own schedule makes report, and their clock. */
export interface AgentRetryOptions {
  readonly events: EventDispatcher;
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

/**
 * The provider one agent calls for one target of its chain. The provider's own retry layer
 * is shared by every agent; an agent that says otherwise gets its own in its place, over the
 * same breaker and adapter:
 * - `retry_config` (`agentPolicy`): its attempts and waits replace the provider's retries,
 *   more of them or fewer (`max_attempts: 1` is one attempt, whatever `max_retries` says);
 * - `maxRetries`: a cap from the next fallback's `trigger.max_retries` ("retries before
 *   falling back"), on whichever schedule applies.
 * Otherwise, and for a disabled provider, the entry's provider as it is.
 */
export function agentRetries(entry: ProviderEntry, agentPolicy: AgentRetryPolicy | undefined, maxRetries: number | undefined, options: AgentRetryOptions): Provider | undefined {
  const provider = entry.provider;
  if (!provider || (agentPolicy === undefined && maxRetries === undefined)) return provider;
  const own = provider instanceof RetryProvider ? provider : undefined;
  const base = own ? own.inner : provider;
  let policy = agentPolicy ? RetryPolicy.forAgent(agentPolicy, entry.config.circuit_breaker.max_retry_after_ms) : own?.policy;
  // No retries to cap.
  if (!policy) return provider;
  if (maxRetries !== undefined) policy = policy.capped(maxRetries);
  if (policy === own?.policy) return provider;
  if (policy.maxRetries === 0) return base;
  return new RetryProvider(base, {
    policy,
    events: options.events,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
}
