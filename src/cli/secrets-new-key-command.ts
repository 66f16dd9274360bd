import { parseArgs } from 'node:util';
import { generateApiKey, keyDigest } from '../secrets/generate-api-key.js';
import type { CliCommand, CliIo } from './cli-io.js';

/** `ossa-gateway secrets:new-key`: prints a strong random key for a client, an admin or a scraper. */
export const secretsNewKeyCommand: CliCommand = {
  name: 'secrets:new-key',
  summary: 'print a strong random client key, admin key or metrics token',
  usage: `Usage: ossa-gateway secrets:new-key

Prints a new key on standard output: 32 random bytes as base64url (43 characters), strong
enough for prod, which refuses keys shorter than 32 characters or well-known ones. Standard
error shows its key_sha256, to keep the key itself out of the config:
  security.clients: [{ id: web, key_sha256: <digest> }]
Nothing is stored; to keep it in the vault, use secrets:set NAME --random instead.`,
  async run(args: string[], io: CliIo): Promise<number> {
    parseArgs({ args, options: {} });
    const key = generateApiKey();
    io.stdout(`${key}\n`);
    io.stderr(`key_sha256: ${keyDigest(key)}\n`);
    return 0;
  },
};
