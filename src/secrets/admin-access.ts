import type { Logger } from 'pino';
import type { Environment } from '../config/interpolate.js';
import type { SecurityConfig } from '../config/ossa-config.js';
import { resolveSecret, type SecretVaultReader } from './resolve-secret.js';
import type { Secret } from './secret.js';

/** Who may use admin routes: nobody needs a key (no clients configured), or one of `keys`. */
export interface AdminAccess {
  readonly required: boolean;
  readonly keys: readonly Secret[];
}

/**
 * Resolves `security.admin_keys` once, at startup. Admin routes need a key exactly when
 * `security.clients` is configured (with no clients, the dev default, nothing is
 * authenticated). A reference that does not resolve is skipped with a warning naming it,
 * never its value.
 */
export function resolveAdminAccess(security: SecurityConfig, env: Environment, logger: Logger, vault?: SecretVaultReader): AdminAccess {
  if (security.clients.length === 0) return { required: false, keys: [] };
  const keys: Secret[] = [];
  for (const [index, reference] of security.admin_keys.entries()) {
    const resolved = resolveSecret(reference, env, vault);
    if (resolved.ok) keys.push(resolved.secret);
    else logger.warn({ setting: `security.admin_keys.${index}` }, `security.admin_keys.${index} is ignored: ${resolved.reason}`);
  }
  if (keys.length === 0) logger.warn('security.clients is configured but no admin key resolves: admin routes (the status page) answer 401 to everyone');
  return { required: true, keys };
}
