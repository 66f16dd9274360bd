import { PlaceholderError, type GuardedEnvironment } from '../../config/interpolate.js';
import type { SecretRedactor } from '../../secrets/known-secrets.js';
import { resolveSecret, type SecretResolution, type SecretVaultReader } from '../../secrets/resolve-secret.js';

/** Where a manifest's tool credentials come from. */
export interface CredentialSources {
  /**
   * The manifests' environment (`manifestEnvironment()`): a manifest reads only the variables
   * `manifest_env` allows, and never one the config reads its own secrets from.
   */
  readonly env: GuardedEnvironment;
  readonly vault?: SecretVaultReader;
  /** The gateway's own secrets: a tool may not send one of them to its endpoint (and its answers are redacted of them). */
  readonly secrets?: SecretRedactor;
}

/** A bare variable name, as the corpus writes `credentials: ORCHESTRATOR_TOKEN` and `token_ref: GITLAB_TOKEN`. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Resolves a credential reference as a manifest writes it: `${VAR}`, a bare `VAR` (the
 * variable of that name), `file:/run/secrets/x`, or `vault:NAME`. A literal secret is refused:
 * OSSA says the field holds a reference, and a manifest is no place for a key. Reasons name
 * the variable or file, never a value.
 */
export function resolveToolCredential(reference: string, sources: CredentialSources): SecretResolution {
  const ref = reference.trim();
  const written = VARIABLE_NAME.test(ref) ? `\${${ref}}` : ref;
  if (!written.startsWith('file:') && !written.startsWith('vault:') && !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(written)) {
    return { ok: false, reason: 'expected a reference to the secret (${VAR}, VAR, file:/path or vault:NAME), not the secret itself' };
  }
  let resolved: SecretResolution;
  try {
    resolved = resolveSecret(written, sources.env, sources.vault);
  } catch (error) {
    // The manifest environment's guard refused the variable; its message names only the variable.
    if (error instanceof PlaceholderError) return { ok: false, reason: error.message + (error.hint ? ` (${error.hint})` : '') };
    throw error;
  }
  if (!resolved.ok) return resolved;
  // The vault's values are all "known secrets": naming one with vault: is the operator's choice.
  if (!written.startsWith('vault:') && sources.secrets?.contains(resolved.secret.reveal())) {
    return { ok: false, reason: `${resolved.secret.origin} holds one of the gateway's own secrets, which no tool may send` };
  }
  return resolved;
}
