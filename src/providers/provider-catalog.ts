import type { ProviderConfig } from '../config/ossa-config.js';
import type { Provider, ProviderType } from './provider.js';

/** One configured provider: built and usable, or disabled with a reason an operator can act on. */
export interface ProviderEntry {
  readonly name: string;
  readonly type: ProviderType;
  readonly config: ProviderConfig;
  /** Absent when disabled. This is the decorated provider (audit, breaker) when those are on. */
  readonly provider?: Provider;
  /** e.g. `no API key: ANTHROPIC_API_KEY is not set`. */
  readonly disabledReason?: string;
  /** Where the key came from, safe to show: `env:ANTHROPIC_API_KEY`, `file:/run/secrets/x`, `vault:NAME`, `literal`. */
  readonly keyOrigin?: string;
}

/** Every configured provider by name, built once at startup and shared by all agents. */
export type ProviderCatalog = ReadonlyMap<string, ProviderEntry>;

/**
 * Finds the provider a manifest means: a configured provider of that name, else the one
 * configured provider of that type (so `provider: openai` works with any config that has one
 * OpenAI-type provider, whatever its name).
 */
export function findProvider(
  catalog: ProviderCatalog,
  wanted: string,
): { entry: ProviderEntry } | { error: string } {
  const byName = catalog.get(wanted);
  if (byName) return { entry: byName };
  const byType = [...catalog.values()].filter((entry) => entry.type === wanted);
  if (byType.length === 1) return { entry: byType[0]! };
  if (byType.length > 1) {
    return { error: `provider "${wanted}" is ambiguous: providers ${byType.map((e) => `"${e.name}"`).join(', ')} all have type ${wanted}; name one` };
  }
  return { error: `provider "${wanted}" is not configured (configured: ${[...catalog.keys()].join(', ') || 'none'})` };
}
