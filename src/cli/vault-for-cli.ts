import { relative } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { SecretsVault } from '../secrets/secrets-vault.js';
import type { CliIo } from './cli-io.js';

/** Flags every `secrets:*` command takes. */
export const VAULT_OPTIONS = {
  config: { type: 'string', short: 'c' },
  env: { type: 'string' },
} as const;

/**
 * The vault a `secrets:*` command works on: `security.secrets.vault_dir` of the config (found
 * as `serve` finds it; the defaults without one), for `--env` or else the config's `env`.
 */
export function vaultForCli(values: { config?: string | undefined; env?: string | undefined }, io: CliIo): SecretsVault {
  const { config } = loadConfig({ ...(values.config !== undefined ? { flag: values.config } : {}), env: io.env, cwd: io.cwd });
  const env = values.env ?? config.env;
  if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(env)) throw new Error(`--env must be a short lower-case name such as dev or prod`);
  return SecretsVault.at(config.security.secrets.vault_dir, env);
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function shown(path: string, io: CliIo): string {
  const rel = relative(io.cwd, path);
  return rel.startsWith('..') ? path : rel;
}
