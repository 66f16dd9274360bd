import type { Environment } from '../config/interpolate.js';
import type { OssaConfig } from '../config/ossa-config.js';
import type { ConfiguredVault } from './open-configured-vault.js';
import { resolveSecret } from './resolve-secret.js';
import { MIN_REDACTED_LENGTH } from './secret-scanner.js';

/** The secrets a config resolves to, for `KnownSecrets`. */
export interface ConfigSecrets {
  /** Every secret value, long enough or not (the scanner leaves out the short ones). */
  readonly values: readonly string[];
  /** Key paths whose secret is shorter than `MIN_REDACTED_LENGTH`, so it is not redacted (say so once). */
  readonly tooShort: readonly string[];
}

/**
 * Resolves every secret the config names, wherever it is: provider keys, client keys, admin
 * keys, the metrics token (`${VAR}`, `file:`, `vault:` or literal), MCP servers' secret `env` and `headers`, the password in
 * `redis.url` and `observability.otlp_endpoint`, and what the vault revealed (its private key
 * and every value). A reference that does not resolve is skipped here: whoever uses it reports
 * it. Nothing is logged.
 *
 * @example
 * const secrets = new KnownSecrets(collectConfigSecrets(config, env, vault).values);
 */
export function collectConfigSecrets(config: OssaConfig, env: Environment, vault?: ConfiguredVault): ConfigSecrets {
  const values: string[] = [];
  const tooShort: string[] = [];
  const keep = (path: string, value: string | undefined): void => {
    if (value === undefined || value === '') return;
    values.push(value);
    if (value.length < MIN_REDACTED_LENGTH) tooShort.push(path);
  };
  const reference = (path: string, ref: string | undefined): void => {
    if (ref === undefined) return;
    const resolved = resolveSecret(ref, env, vault?.vault);
    if (resolved.ok) keep(path, resolved.secret.reveal());
  };
  for (const [name, provider] of Object.entries(config.providers)) reference(`providers.${name}.api_key`, provider.api_key);
  config.security.clients.forEach((client, i) => reference(`security.clients[${i}].key`, client.key));
  config.security.admin_keys.forEach((key, i) => reference(`security.admin_keys[${i}]`, key));
  reference('observability.metrics_token', config.observability.metrics_token);
  for (const [name, server] of Object.entries(config.mcp.servers)) {
    for (const field of ['env', 'headers'] as const) {
      for (const [key, ref] of Object.entries(server[field])) mcpReference(`mcp.servers.${name}.${field}.${key}`, ref, env, vault, keep);
    }
  }
  keep('redis.url', urlPassword(config.redis.url));
  keep('observability.otlp_endpoint', urlPassword(config.observability.otlp_endpoint));
  for (const value of vault?.revealed ?? []) values.push(value);
  return { values, tooShort };
}

/**
 * An MCP server's `env` / `headers` value: plain text is not a secret (`LOG_LEVEL: debug`), a
 * `file:` or `vault:` one is, and in `Bearer ${MCP_TOKEN}` the variables' values are (the
 * server may echo the token alone).
 */
function mcpReference(path: string, ref: string, env: Environment, vault: ConfiguredVault | undefined, keep: (path: string, value: string | undefined) => void): void {
  const resolved = resolveSecret(ref, env, vault?.vault);
  if (!resolved.ok || resolved.literal) return;
  if (!ref.includes('${')) return keep(path, resolved.secret.reveal());
  for (const match of ref.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) keep(path, env[match[1]!]);
}

/** The password of a URL (`redis://:pw@host`), decoded, if it has one. */
function urlPassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const password = new URL(url).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}
