import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretVaultReader } from './resolve-secret.js';
import { openSecret, publicKeyOf, sealSecret, VaultCryptoError, type SealedSecret, type VaultKeyPair } from './vault-crypto.js';

/** Vault entry names: like environment variables, so `vault:ANTHROPIC_API_KEY` reads naturally. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const SECRET_SUFFIX = '.secret';

/** A vault problem an operator can act on: the message names files and variables, never values. */
export class VaultError extends Error {
  override readonly name = 'VaultError';
}

/**
 * The encrypted vault of one environment, a directory `config/secrets/<env>/` holding:
 *
 * - `<env>.encrypt.public.key`: the public key; commit it (anyone can add secrets with it);
 * - `<env>.decrypt.private.key`: the private key; git-ignored, or given to the process as
 *   `OSSA_SECRETS_DECRYPT_KEY` instead of as a file;
 * - `<env>.<NAME>.secret`: one JSON file per value, encrypted for the public key (one file
 *   each, so git diffs show which secret changed).
 *
 * @example
 * const vault = SecretsVault.at('config/secrets', 'prod');
 * vault.set('ANTHROPIC_API_KEY', key);                 // needs only the public key
 * const reader = vault.unlock(process.env.OSSA_SECRETS_DECRYPT_KEY!);
 * reader.get('ANTHROPIC_API_KEY');
 */
export class SecretsVault {
  private constructor(
    readonly dir: string,
    readonly env: string,
  ) {}

  /** The vault of `env` under `vaultDir` (`security.secrets.vault_dir`). Nothing is read yet. */
  static at(vaultDir: string, env: string): SecretsVault {
    return new SecretsVault(join(vaultDir, env), env);
  }

  get publicKeyFile(): string {
    return join(this.dir, `${this.env}.encrypt.public.key`);
  }

  get privateKeyFile(): string {
    return join(this.dir, `${this.env}.decrypt.private.key`);
  }

  get exists(): boolean {
    return existsSync(this.publicKeyFile);
  }

  /** Writes a new key pair. The private key file is mode 0600. */
  writeKeys(keys: VaultKeyPair, options: { withPrivateKeyFile: boolean }): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.publicKeyFile, `${keys.publicKey}\n`);
    if (options.withPrivateKeyFile) {
      writeFileSync(this.privateKeyFile, `${keys.privateKey}\n`, { mode: 0o600 });
      chmodSync(this.privateKeyFile, 0o600);
    }
  }

  publicKey(): string {
    try {
      return readFileSync(this.publicKeyFile, 'utf8').trim();
    } catch {
      throw new VaultError(`no vault for env "${this.env}": ${this.publicKeyFile} does not exist (run "ossa-gateway secrets:generate-keys --env ${this.env}")`);
    }
  }

  /** Names of the stored secrets, sorted. */
  list(): string[] {
    if (!existsSync(this.dir)) return [];
    const prefix = `${this.env}.`;
    return readdirSync(this.dir)
      .filter((file) => file.startsWith(prefix) && file.endsWith(SECRET_SUFFIX))
      .map((file) => file.slice(prefix.length, -SECRET_SUFFIX.length))
      .filter((name) => NAME.test(name))
      .sort();
  }

  /** Encrypts and stores `value` under `name` (replacing any earlier value). */
  set(name: string, value: string): void {
    checkName(name);
    if (value === '') throw new VaultError(`refusing to store an empty value for ${name}`);
    const sealed = sealSecret(name, this.env, value, this.publicKey());
    writeFileSync(this.#file(name), `${JSON.stringify(sealed, null, 2)}\n`);
  }

  /** Deletes `name`; false when there was no such secret. */
  remove(name: string): boolean {
    checkName(name);
    if (!existsSync(this.#file(name))) return false;
    rmSync(this.#file(name));
    return true;
  }

  /**
   * Checks `privateKey` against the vault's public key and decrypts every value, so a wrong
   * key or an altered file is reported at startup, naming the file.
   */
  unlock(privateKey: string): SecretVaultReader & { readonly names: readonly string[] } {
    const expected = this.publicKey();
    let actual: string;
    try {
      actual = publicKeyOf(privateKey.trim());
    } catch (error) {
      throw new VaultError(`the decryption key is not a vault key: ${(error as Error).message}`);
    }
    if (actual !== expected) {
      throw new VaultError(`the decryption key does not belong to this vault: it does not match ${this.publicKeyFile} (a key of another environment, or of keys regenerated since?)`);
    }
    const values = new Map<string, string>();
    for (const name of this.list()) values.set(name, this.#open(name, privateKey.trim()));
    return { names: [...values.keys()], get: (name) => values.get(name) };
  }

  #open(name: string, privateKey: string): string {
    const file = this.#file(name);
    let sealed: SealedSecret;
    try {
      sealed = JSON.parse(readFileSync(file, 'utf8')) as SealedSecret;
    } catch {
      throw new VaultError(`${file} is not a vault file (unreadable or not JSON)`);
    }
    if (sealed.name !== name) throw new VaultError(`${file} holds the secret "${String(sealed.name)}", not "${name}" (a renamed file?)`);
    try {
      return openSecret(sealed, this.env, privateKey);
    } catch (error) {
      if (error instanceof VaultCryptoError) throw new VaultError(`cannot decrypt ${file}: ${error.message}`);
      throw error;
    }
  }

  #file(name: string): string {
    return join(this.dir, `${this.env}.${name}${SECRET_SUFFIX}`);
  }
}

function checkName(name: string): void {
  // The name is not echoed: a value typed where the name goes must not land in a terminal log.
  if (!NAME.test(name)) throw new VaultError('invalid secret name: use letters, digits and _ (like an environment variable), starting with a letter or _');
}
