import { parseArgs } from 'node:util';
import { DECRYPT_KEY_VARIABLE } from '../secrets/open-configured-vault.js';
import { generateVaultKeyPair } from '../secrets/vault-crypto.js';
import type { CliCommand, CliIo } from './cli-io.js';
import { readDecryptKey } from './read-decrypt-key.js';
import { shown, VAULT_OPTIONS, vaultForCli } from './vault-for-cli.js';

/** `ossa-gateway secrets:generate-keys`: a new key pair for one environment's vault. */
export const secretsGenerateKeysCommand: CliCommand = {
  name: 'secrets:generate-keys',
  summary: 'create the encryption keys of a secrets vault',
  usage: `Usage: ossa-gateway secrets:generate-keys [--env ENV] [--rotate] [--config FILE]

Creates config/secrets/<env>/ (security.secrets.vault_dir) with an X25519 key pair:
  <env>.encrypt.public.key    commit it: secrets:set needs only this key
  <env>.decrypt.private.key   never commit it (git-ignored); in production give the gateway
                              its content as ${DECRYPT_KEY_VARIABLE} and delete the file
--env defaults to the config's env. --rotate replaces existing keys and re-encrypts every
secret with the new ones (it needs the current decryption key).`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({ args, options: { ...VAULT_OPTIONS, rotate: { type: 'boolean' } } });
    const vault = vaultForCli(values, io);
    let current: Map<string, string> | undefined;
    if (vault.exists) {
      if (!values.rotate) {
        io.stderr(`ossa-gateway secrets:generate-keys: the vault of env "${vault.env}" already has keys (${shown(vault.publicKeyFile, io)}); use --rotate to replace them\n`);
        return 1;
      }
      const reader = vault.unlock(readDecryptKey(vault, io));
      current = new Map(reader.names.map((name) => [name, reader.get(name)!]));
    }
    const keys = generateVaultKeyPair();
    vault.writeKeys(keys, { withPrivateKeyFile: true });
    for (const [name, value] of current ?? []) vault.set(name, value);
    io.stdout(
      `${current ? 'Rotated' : 'Generated'} the vault keys of env "${vault.env}"${current ? ` (${current.size} secret${current.size === 1 ? '' : 's'} re-encrypted)` : ''}:\n` +
        `  ${shown(vault.publicKeyFile, io)}   commit this file\n` +
        `  ${shown(vault.privateKeyFile, io)}  never commit this file; in production set ${DECRYPT_KEY_VARIABLE} to its content\n`,
    );
    return 0;
  },
};
