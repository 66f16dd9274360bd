import { parseArgs } from 'node:util';
import { generateApiKey } from '../secrets/generate-api-key.js';
import type { CliCommand, CliIo } from './cli-io.js';
import { shown, VAULT_OPTIONS, vaultForCli } from './vault-for-cli.js';

/** `ossa-gateway secrets:set NAME`: encrypts the value read from stdin into the vault. */
export const secretsSetCommand: CliCommand = {
  name: 'secrets:set',
  summary: 'store a secret in the vault (value from stdin)',
  usage: `Usage: ossa-gateway secrets:set NAME [--env ENV] [--random] [--config FILE]

Reads the value from standard input (one trailing newline is dropped) and stores it encrypted
as config/secrets/<env>/<env>.NAME.secret; reference it in ossa.yaml as vault:NAME. Only the
public key is needed. The value is never taken from the command line, where it would end up
in shell history and process listings:
  printf %s "$KEY" | ossa-gateway secrets:set ANTHROPIC_API_KEY --env prod
  ossa-gateway secrets:set ANTHROPIC_API_KEY < key.txt
--random stores 32 random bytes (base64url) instead, e.g. for a client key.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...VAULT_OPTIONS, random: { type: 'boolean' } } });
    if (positionals.length !== 1) {
      // Whatever else was given is not echoed: it may be the value itself.
      io.stderr(
        positionals.length > 1
          ? 'ossa-gateway secrets:set: the value is read from standard input, never from the command line (it would be kept in shell history); pipe it in\n'
          : `${secretsSetCommand.usage}\n`,
      );
      return 2;
    }
    const name = positionals[0]!;
    const vault = vaultForCli(values, io);
    const value = values.random ? generateApiKey() : (await io.readStdin()).replace(/\r?\n$/, '');
    if (value === '') {
      io.stderr(`ossa-gateway secrets:set: standard input was empty; nothing stored\n`);
      return 1;
    }
    const replaced = vault.list().includes(name);
    vault.set(name, value);
    io.stdout(`${replaced ? 'Updated' : 'Stored'} ${name} in the vault of env "${vault.env}" (${shown(vault.dir, io)}); reference it as vault:${name}\n`);
    return 0;
  },
};
