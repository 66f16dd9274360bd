import type { Environment } from '../config/interpolate.js';
import type { ProviderConfig } from '../config/ossa-config.js';
import { providerKind } from '../providers/provider-kinds.js';
import { resolveSecret, type SecretVaultReader } from '../secrets/resolve-secret.js';
import type { Secret } from '../secrets/secret.js';
import { refuseApiKey } from './api-key-checks.js';

/** What a provider's `api_key` comes to. */
export type ProviderKeyDecision =
  /** Usable. `secret` is absent for a provider that needs none; `literal`: written in plain text in the config. */
  | { readonly kind: 'key'; readonly secret?: Secret; readonly literal: boolean }
  /** No key: the provider is disabled (one warning; agents use their fallbacks). */
  | { readonly kind: 'disabled'; readonly reason: string }
  /** A key that must never be sent (a template placeholder, whitespace, a wrong prefix): the gateway refuses to start. */
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * Resolves and checks one provider's key (`${VAR}`, `file:`, `vault:` or a literal). Reasons
 * name the variable, file or vault entry, never the value.
 */
export function resolveProviderKey(config: ProviderConfig, env: Environment, vault: SecretVaultReader | undefined, name: string): ProviderKeyDecision {
  const kind = providerKind(config.type);
  if (kind.key === 'none') return { kind: 'key', literal: false };
  if (config.api_key === undefined) {
    return kind.key === 'required' ? { kind: 'disabled', reason: `no API key: providers.${name}.api_key is not set` } : { kind: 'key', literal: false };
  }
  const resolved = resolveSecret(config.api_key, env, vault);
  if (!resolved.ok) return { kind: 'disabled', reason: `no API key: ${resolved.reason}` };
  const refusal = refuseApiKey(kind, resolved.secret.reveal(), config.base_url);
  if (refusal) return { kind: 'refused', reason: refusal };
  return { kind: 'key', secret: resolved.secret, literal: resolved.literal };
}
