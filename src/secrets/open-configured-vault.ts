import { readFileSync } from 'node:fs';
import type { Environment } from '../config/interpolate.js';
import type { OssaConfig } from '../config/ossa-config.js';
import type { SourceIssue } from '../config/source-issue.js';
import { readableByOthers } from './file-permissions.js';
import type { SecretVaultReader } from './resolve-secret.js';
import { SecretsVault, VaultError } from './secrets-vault.js';

/** The environment variable that holds the vault's private key in production. */
export const DECRYPT_KEY_VARIABLE = 'OSSA_SECRETS_DECRYPT_KEY';

/** The vault the config's `vault:NAME` references read from, or the problems that prevent it. */
export interface ConfiguredVault {
  readonly vault?: SecretVaultReader;
  /** Where `vault:` is used (key paths), empty when the config uses no vault. */
  readonly references: readonly string[];
  readonly issues: SourceIssue[];
  /**
   * The private key that opened the vault and every value in it: secrets the gateway now holds,
   * which `KnownSecrets` must redact wherever they would leave (empty without a vault).
   */
  readonly revealed: readonly string[];
  /** Legal but risky (dev): a private key file other users may read. In prod that is an issue instead. */
  readonly warnings: SourceIssue[];
}

/**
 * Opens `security.secrets.vault_dir/<env>/` when the config references `vault:NAME` anywhere
 * a secret is expected; without such a reference no vault (and no key) is needed. The private
 * key comes from `OSSA_SECRETS_DECRYPT_KEY`, else `security.secrets.decrypt_key_file`, else the
 * vault's git-ignored `<env>.decrypt.private.key`. A missing or wrong key, or an altered file,
 * is an issue that stops the gateway from starting, naming the file or variable.
 */
export function openConfiguredVault(config: OssaConfig, env: Environment, source = 'config'): ConfiguredVault {
  const references = vaultReferences(config);
  if (references.length === 0) return { references, issues: [], revealed: [], warnings: [] };
  const vault = SecretsVault.at(config.security.secrets.vault_dir, config.env);
  const issue = (message: string): ConfiguredVault => ({ references, issues: [{ file: source, path: 'security.secrets', message }], revealed: [], warnings: [] });
  const key = decryptKey(config, env, vault);
  if (key === undefined) {
    return issue(
      `${references.join(', ')} reference${references.length === 1 ? 's' : ''} the vault, but there is no decryption key: set ${DECRYPT_KEY_VARIABLE}, ` +
        `set security.secrets.decrypt_key_file, or create ${vault.privateKeyFile}`,
    );
  }
  if ('problem' in key) return issue(key.problem);
  const warnings: SourceIssue[] = [];
  // Anyone who can read the private key can read every secret of the vault.
  const exposed = key.file === undefined ? undefined : readableByOthers(key.file);
  if (exposed !== undefined) {
    if (config.env === 'prod') return issue(`the vault's private key is refused in prod: ${exposed}`);
    warnings.push({ file: source, path: 'security.secrets', message: `the vault's private key ${exposed} (refused in prod)` });
  }
  try {
    const reader = vault.unlock(key.value);
    const values = reader.names.map((name) => reader.get(name)).filter((value): value is string => value !== undefined);
    return { vault: reader, references, issues: [], revealed: [key.value.trim(), ...values], warnings };
  } catch (error) {
    if (error instanceof VaultError) return issue(`the vault of env "${config.env}" cannot be opened with the key from ${key.origin}: ${error.message}`);
    throw error;
  }
}

/** The private key, where it came from, and the file it was read from (absent: the environment). */
function decryptKey(config: OssaConfig, env: Environment, vault: SecretsVault): { value: string; origin: string; file?: string } | { problem: string } | undefined {
  const fromEnv = env[DECRYPT_KEY_VARIABLE];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { value: fromEnv, origin: DECRYPT_KEY_VARIABLE };
  const configured = config.security.secrets.decrypt_key_file;
  if (configured !== undefined) {
    try {
      return { value: readFileSync(configured, 'utf8'), origin: configured, file: configured };
    } catch (error) {
      return { problem: `security.secrets.decrypt_key_file ${configured} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
  try {
    return { value: readFileSync(vault.privateKeyFile, 'utf8'), origin: vault.privateKeyFile, file: vault.privateKeyFile };
  } catch {
    return undefined;
  }
}

/** Key paths whose value is a `vault:` reference. */
function vaultReferences(config: OssaConfig): string[] {
  const found: string[] = [];
  const check = (path: string, value: string | undefined): void => {
    if (value?.trim().startsWith('vault:')) found.push(path);
  };
  for (const [name, provider] of Object.entries(config.providers)) check(`providers.${name}.api_key`, provider.api_key);
  config.security.clients.forEach((client, i) => check(`security.clients[${i}].key`, client.key));
  config.security.admin_keys.forEach((key, i) => check(`security.admin_keys[${i}]`, key));
  check('observability.metrics_token', config.observability.metrics_token);
  for (const [name, server] of Object.entries(config.mcp.servers)) {
    for (const [key, value] of Object.entries(server.env)) check(`mcp.servers.${name}.env.${key}`, value);
    for (const [key, value] of Object.entries(server.headers)) check(`mcp.servers.${name}.headers.${key}`, value);
  }
  return found;
}
