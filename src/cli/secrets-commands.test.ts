import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/gateway-harness.js';
import { SecretsVault } from '../secrets/secrets-vault.js';
import type { CliIo } from './cli-io.js';
import { main } from './main.js';

const VALUE = 'sk-ant-CLIVALUE-0123456789';

/** Runs the CLI in-process in `cwd`, with `stdin` as standard input. */
async function cli(cwd: string, args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: options.env ?? {},
    cwd,
    readStdin: async () => options.stdin ?? '',
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('secrets:* commands', () => {
  it('generate-keys, set from stdin, list and remove, for the config\'s env', async () => {
    const dir = tempDir({ 'ossa.yaml': 'ossa:\n  env: prod\n' });
    const keys = await cli(dir, ['secrets:generate-keys']);
    expect(keys).toMatchObject({ code: 0, stderr: '' });
    expect(keys.stdout).toContain('config/secrets/prod/prod.encrypt.public.key   commit this file');
    expect(keys.stdout).toContain('config/secrets/prod/prod.decrypt.private.key  never commit this file; in production set OSSA_SECRETS_DECRYPT_KEY to its content');

    const set = await cli(dir, ['secrets:set', 'ANTHROPIC_API_KEY'], { stdin: `${VALUE}\n` });
    expect(set).toMatchObject({ code: 0, stdout: 'Stored ANTHROPIC_API_KEY in the vault of env "prod" (config/secrets/prod); reference it as vault:ANTHROPIC_API_KEY\n' });
    expect(set.stdout + set.stderr).not.toContain(VALUE);

    const vault = SecretsVault.at(join(dir, 'config', 'secrets'), 'prod');
    const privateKey = readFileSync(vault.privateKeyFile, 'utf8');
    expect(vault.unlock(privateKey).get('ANTHROPIC_API_KEY')).toBe(VALUE);

    expect(await cli(dir, ['secrets:list'])).toMatchObject({ code: 0, stdout: 'ANTHROPIC_API_KEY\n' });
    expect(await cli(dir, ['secrets:remove', 'ANTHROPIC_API_KEY'])).toMatchObject({ code: 0, stdout: 'Removed ANTHROPIC_API_KEY from the vault of env "prod"\n' });
    expect(await cli(dir, ['secrets:list'])).toMatchObject({ code: 0, stdout: '(no secrets in env "prod")\n' });
    expect(await cli(dir, ['secrets:remove', 'ANTHROPIC_API_KEY'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no secret named ANTHROPIC_API_KEY/) });
  });

  it('never takes the value from the command line, and does not echo it', async () => {
    const dir = tempDir();
    await cli(dir, ['secrets:generate-keys']);
    const run = await cli(dir, ['secrets:set', 'ANTHROPIC_API_KEY', VALUE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/read from standard input, never from the command line/);
    expect(run.stdout + run.stderr).not.toContain(VALUE);
    expect(SecretsVault.at(join(dir, 'config', 'secrets'), 'dev').list()).toEqual([]);
  });

  it('refuses an empty stdin', async () => {
    const dir = tempDir();
    await cli(dir, ['secrets:generate-keys']);
    expect(await cli(dir, ['secrets:set', 'A'], { stdin: '\n' })).toMatchObject({ code: 1, stderr: expect.stringMatching(/standard input was empty/) });
  });

  it('needs only the public key to set a secret (a checkout without the private key)', async () => {
    const dir = tempDir();
    await cli(dir, ['secrets:generate-keys', '--env', 'staging']);
    const vault = SecretsVault.at(join(dir, 'config', 'secrets'), 'staging');
    const privateKey = readFileSync(vault.privateKeyFile, 'utf8');
    const { rmSync } = await import('node:fs');
    rmSync(vault.privateKeyFile);
    expect(await cli(dir, ['secrets:set', 'A', '--env', 'staging'], { stdin: 'value' })).toMatchObject({ code: 0 });
    expect(vault.unlock(privateKey).get('A')).toBe('value');
  });

  it('stores a random value with --random', async () => {
    const dir = tempDir();
    await cli(dir, ['secrets:generate-keys']);
    expect(await cli(dir, ['secrets:set', 'CLIENT_KEY', '--random'])).toMatchObject({ code: 0 });
    const vault = SecretsVault.at(join(dir, 'config', 'secrets'), 'dev');
    expect(vault.unlock(readFileSync(vault.privateKeyFile, 'utf8')).get('CLIENT_KEY')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses to overwrite keys, and rotates them with --rotate, re-encrypting every secret', async () => {
    const dir = tempDir();
    await cli(dir, ['secrets:generate-keys']);
    await cli(dir, ['secrets:set', 'A'], { stdin: 'alpha' });
    const vault = SecretsVault.at(join(dir, 'config', 'secrets'), 'dev');
    const before = readFileSync(vault.publicKeyFile, 'utf8');
    expect(await cli(dir, ['secrets:generate-keys'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/already has keys .*use --rotate/) });
    const rotated = await cli(dir, ['secrets:generate-keys', '--rotate']);
    expect(rotated).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Rotated the vault keys of env "dev" \(1 secret re-encrypted\)/) });
    expect(readFileSync(vault.publicKeyFile, 'utf8')).not.toBe(before);
    expect(vault.unlock(readFileSync(vault.privateKeyFile, 'utf8')).get('A')).toBe('alpha');
  });

  it('explains what to do when there is no vault yet', async () => {
    const dir = tempDir();
    expect(await cli(dir, ['secrets:list'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no vault for env "dev" .*secrets:generate-keys --env dev/) });
    expect(await cli(dir, ['secrets:set', 'A'], { stdin: 'x' })).toMatchObject({ code: 1, stderr: expect.stringMatching(/no vault for env "dev"/) });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lists the secrets commands in --help', async () => {
    const help = await cli(tempDir(), ['--help']);
    for (const name of ['secrets:generate-keys', 'secrets:set', 'secrets:list', 'secrets:remove']) expect(help.stdout).toContain(`  ${name} `);
  });
});
