import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from './cli-io.js';
import { shown, VAULT_OPTIONS, vaultForCli } from './vault-for-cli.js';

/** `ossa-gateway secrets:list`: the names in the vault (never the values). */
export const secretsListCommand: CliCommand = {
  name: 'secrets:list',
  summary: 'list the names of the secrets in the vault',
  usage: `Usage: ossa-gateway secrets:list [--env ENV] [--config FILE]

Prints the name of each secret in config/secrets/<env>/, one per line. Values are never
printed; to check that the gateway can decrypt them, run "ossa-gateway validate".`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({ args, options: VAULT_OPTIONS });
    const vault = vaultForCli(values, io);
    if (!vault.exists) {
      io.stderr(`ossa-gateway secrets:list: no vault for env "${vault.env}" in ${shown(vault.dir, io)} (run "ossa-gateway secrets:generate-keys --env ${vault.env}")\n`);
      return 1;
    }
    const names = vault.list();
    io.stdout(names.length === 0 ? `(no secrets in env "${vault.env}")\n` : `${names.join('\n')}\n`);
    return 0;
  },
};
