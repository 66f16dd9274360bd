import { readFileSync } from 'node:fs';
import { DECRYPT_KEY_VARIABLE } from '../secrets/open-configured-vault.js';
import { VaultError, type SecretsVault } from '../secrets/secrets-vault.js';
import type { CliIo } from './cli-io.js';

/** The decryption key a command needs: `OSSA_SECRETS_DECRYPT_KEY`, else the vault's key file. */
export function readDecryptKey(vault: SecretsVault, io: CliIo): string {
  const fromEnv = io.env[DECRYPT_KEY_VARIABLE];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
  try {
    return readFileSync(vault.privateKeyFile, 'utf8');
  } catch {
    throw new VaultError(`the decryption key is needed: set ${DECRYPT_KEY_VARIABLE} or restore ${vault.privateKeyFile}`);
  }
}
