import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from './cli-io.js';
import { VAULT_OPTIONS, vaultForCli } from './vault-for-cli.js';

/** `ossa-gateway secrets:remove NAME`: deletes one secret from the vault. */
export const secretsRemoveCommand: CliCommand = {
  name: 'secrets:remove',
  summary: 'delete a secret from the vault',
  usage: `Usage: ossa-gateway secrets:remove NAME [--env ENV] [--config FILE]

Deletes config/secrets/<env>/<env>.NAME.secret. Exits 1 when there is no such secret.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: VAULT_OPTIONS });
    if (positionals.length !== 1) {
      io.stderr(`${secretsRemoveCommand.usage}\n`);
      return 2;
    }
    const name = positionals[0]!;
    const vault = vaultForCli(values, io);
    if (!vault.remove(name)) {
      io.stderr(`ossa-gateway secrets:remove: no secret named ${name} in the vault of env "${vault.env}"\n`);
      return 1;
    }
    io.stdout(`Removed ${name} from the vault of env "${vault.env}"\n`);
    return 0;
  },
};
