import { readFileSync } from 'node:fs';
import { interpolate, isWholePlaceholder, UnsetVariableError, type Environment } from '../config/interpolate.js';
import { writableByOthers } from './file-permissions.js';
import { Secret } from './secret.js';

/** Reads named secrets from the encrypted vault (`vault:NAME`). */
export interface SecretVaultReader {
  /** The decrypted value, or undefined when the vault has no such name. */
  get(name: string): string | undefined;
}

export type SecretResolution =
  /**
   * `literal`: written in the config file as is (a plaintext key). `insecure`: why the value
   * cannot be trusted (a `file:` secret anyone may rewrite): a warning in dev, refused in prod.
   */
  | { readonly ok: true; readonly secret: Secret; readonly literal: boolean; readonly insecure?: string }
  /** Why there is no value, safe to log (names the variable or file, never a value). */
  | { readonly ok: false; readonly reason: string };

/**
 * Resolves a secret reference as written in ossa.yaml:
 * `${VAR}` / `${VAR:-default}` (environment), `file:/run/secrets/name` (Docker and Kubernetes
 * secrets; one trailing newline dropped), `vault:NAME` (the encrypted vault), or a literal.
 */
export function resolveSecret(reference: string, env: Environment, vault?: SecretVaultReader): SecretResolution {
  const ref = reference.trim();
  if (ref.startsWith('file:')) {
    const path = ref.slice('file:'.length);
    try {
      const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
      if (value === '') return { ok: false, reason: `secret file ${path} is empty` };
      const insecure = writableByOthers(path);
      return { ok: true, secret: new Secret(value, `file:${path}`), literal: false, ...(insecure ? { insecure } : {}) };
    } catch (error) {
      return { ok: false, reason: `secret file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
  if (ref.startsWith('vault:')) {
    const name = ref.slice('vault:'.length);
    if (!vault) return { ok: false, reason: `vault:${name} is referenced but no secrets vault is available (run "ossa-gateway secrets:generate-keys")` };
    const value = vault.get(name);
    return value === undefined || value === ''
      ? { ok: false, reason: `vault has no secret named ${name}` }
      : { ok: true, secret: new Secret(value, `vault:${name}`), literal: false };
  }
  if (ref.includes('${')) {
    let value: string;
    try {
      value = interpolate(ref, env);
    } catch (error) {
      if (error instanceof UnsetVariableError) return { ok: false, reason: `${error.variable} is not set` };
      throw error;
    }
    const variable = isWholePlaceholder(ref) ? /\$\{([A-Za-z0-9_]+)/.exec(ref)![1]! : undefined;
    if (value.trim() === '') {
      if (variable === undefined) return { ok: false, reason: 'the key is empty' };
      return { ok: false, reason: env[variable] === undefined ? `${variable} is not set` : `${variable} is empty` };
    }
    return { ok: true, secret: new Secret(value, variable ? `env:${variable}` : 'env'), literal: false };
  }
  if (ref === '') return { ok: false, reason: 'no key configured' };
  return { ok: true, secret: new Secret(reference, 'literal'), literal: true };
}
