import { chmodSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/gateway-harness.js';
import { normalizeConfig } from '../config/load-config.js';
import { openConfiguredVault } from './open-configured-vault.js';
import { resolveSecret } from './resolve-secret.js';
import { SecretsVault } from './secrets-vault.js';
import { generateVaultKeyPair, openSecret, publicKeyOf, sealSecret } from './vault-crypto.js';

const VALUE = 'sk-ant-VAULTVALUE-0123456789';

function newVault(env = 'prod') {
  const root = tempDir();
  const vault = SecretsVault.at(join(root, 'config', 'secrets'), env);
  const keys = generateVaultKeyPair();
  vault.writeKeys(keys, { withPrivateKeyFile: true });
  return { root, vault, keys };
}

describe('vault cryptography', () => {
  it('round-trips a value with only the public key needed to encrypt', () => {
    const keys = generateVaultKeyPair();
    expect(keys.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(publicKeyOf(keys.privateKey)).toBe(keys.publicKey);
    const sealed = sealSecret('ANTHROPIC_API_KEY', 'prod', VALUE, keys.publicKey);
    expect(JSON.stringify(sealed)).not.toContain(VALUE);
    expect(openSecret(sealed, 'prod', keys.privateKey)).toBe(VALUE);
  });

  it('encrypts the same value differently every time (fresh ephemeral key and iv)', () => {
    const keys = generateVaultKeyPair();
    const a = sealSecret('A', 'prod', VALUE, keys.publicKey);
    const b = sealSecret('A', 'prod', VALUE, keys.publicKey);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.epk).not.toBe(b.epk);
  });

  it('refuses the wrong private key, another environment, another name and altered bytes', () => {
    const keys = generateVaultKeyPair();
    const sealed = sealSecret('A', 'prod', VALUE, keys.publicKey);
    expect(() => openSecret(sealed, 'prod', generateVaultKeyPair().privateKey)).toThrow(/wrong decryption key, or the file was altered/);
    expect(() => openSecret(sealed, 'dev', keys.privateKey)).toThrow(/wrong decryption key/);
    expect(() => openSecret({ ...sealed, name: 'B' }, 'prod', keys.privateKey)).toThrow(/wrong decryption key/);
    const flipped = Buffer.from(sealed.ciphertext, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => openSecret({ ...sealed, ciphertext: flipped.toString('base64url') }, 'prod', keys.privateKey)).toThrow(/altered/);
  });

  it('rejects a key that is not a vault key, without quoting it', () => {
    expect(() => publicKeyOf('not-a-key')).toThrow('the private key is not a vault key (expected 43 characters of base64url)');
  });
});

describe('SecretsVault', () => {
  it('lays out config/secrets/<env>/ like Symfony: public key, git-ignored private key (0600), one file per secret', () => {
    const { vault } = newVault();
    vault.set('ANTHROPIC_API_KEY', VALUE);
    vault.set('OPENAI_API_KEY', 'sk-other');
    expect(readdirSync(vault.dir).sort()).toEqual([
      'prod.ANTHROPIC_API_KEY.secret',
      'prod.OPENAI_API_KEY.secret',
      'prod.decrypt.private.key',
      'prod.encrypt.public.key',
    ]);
    expect(statSync(vault.privateKeyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(vault.dir, 'prod.ANTHROPIC_API_KEY.secret'), 'utf8')).not.toContain(VALUE);
    expect(vault.list()).toEqual(['ANTHROPIC_API_KEY', 'OPENAI_API_KEY']);
  });

  it('unlocks with the private key and reads every value', () => {
    const { vault, keys } = newVault();
    vault.set('ANTHROPIC_API_KEY', VALUE);
    const reader = vault.unlock(keys.privateKey);
    expect(reader.get('ANTHROPIC_API_KEY')).toBe(VALUE);
    expect(reader.get('MISSING')).toBeUndefined();
  });

  it('says so when the decryption key belongs to another vault', () => {
    const { vault } = newVault();
    expect(() => vault.unlock(generateVaultKeyPair().privateKey)).toThrow(/the decryption key does not belong to this vault: it does not match .*prod\.encrypt\.public\.key/);
  });

  it('names the file that was altered or renamed', () => {
    const { vault, keys } = newVault();
    vault.set('A', VALUE);
    renameSync(join(vault.dir, 'prod.A.secret'), join(vault.dir, 'prod.B.secret'));
    expect(() => vault.unlock(keys.privateKey)).toThrow(/prod\.B\.secret holds the secret "A", not "B"/);
    writeFileSync(join(vault.dir, 'prod.B.secret'), '{not json');
    expect(() => vault.unlock(keys.privateKey)).toThrow(/prod\.B\.secret is not a vault file/);
  });

  it('replaces and removes secrets', () => {
    const { vault, keys } = newVault();
    vault.set('A', 'one');
    vault.set('A', 'two');
    expect(vault.unlock(keys.privateKey).get('A')).toBe('two');
    expect(vault.remove('A')).toBe(true);
    expect(vault.remove('A')).toBe(false);
    expect(vault.list()).toEqual([]);
  });

  it('refuses bad names without echoing them, and empty values', () => {
    const { vault } = newVault();
    expect(() => vault.set('sk-ant-looks-like-a-key', 'x')).toThrow('invalid secret name: use letters, digits and _ (like an environment variable), starting with a letter or _');
    expect(() => vault.set('../escape', 'x')).toThrow(/invalid secret name/);
    expect(() => vault.set('A', '')).toThrow(/empty value/);
  });

  it('serves vault:NAME references through resolveSecret', () => {
    const { vault, keys } = newVault();
    vault.set('ANTHROPIC_API_KEY', VALUE);
    const resolved = resolveSecret('vault:ANTHROPIC_API_KEY', {}, vault.unlock(keys.privateKey));
    expect(resolved).toMatchObject({ ok: true, literal: false });
    expect(resolved.ok && resolved.secret.reveal()).toBe(VALUE);
    expect(resolved.ok && String(resolved.secret)).toBe('[redacted]');
  });

  it('says when a file: secret is one anyone on the host could rewrite', () => {
    const root = tempDir();
    const file = join(root, 'key');
    writeFileSync(file, VALUE, { mode: 0o600 });
    expect(resolveSecret(`file:${file}`, {})).toMatchObject({ ok: true });
    expect(resolveSecret(`file:${file}`, {})).not.toHaveProperty('insecure');
    chmodSync(file, 0o666);
    expect(resolveSecret(`file:${file}`, {})).toMatchObject({ ok: true, insecure: `secret file ${file} is world-writable (mode 0666): anyone on the host can replace the key; chmod o-w` });
    chmodSync(file, 0o600);
    chmodSync(root, 0o777);
    expect(resolveSecret(`file:${file}`, {})).toMatchObject({ insecure: `secret file ${file} is in a world-writable directory (${root}, mode 0777): anyone on the host can replace it` });
    chmodSync(root, 0o1777);
    expect(resolveSecret(`file:${file}`, {})).not.toHaveProperty('insecure');
    chmodSync(root, 0o700);
  });
});

describe('openConfiguredVault (at gateway start)', () => {
  function config(root: string, extra: Record<string, unknown> = {}) {
    return normalizeConfig(
      { env: 'prod', providers: { anthropic: { api_key: 'vault:ANTHROPIC_API_KEY' } }, security: { secrets: { vault_dir: 'config/secrets' }, ...extra } },
      { baseDir: root, env: {} },
    ).config;
  }

  it('needs no vault and no key when the config references none', () => {
    const { config: plain } = normalizeConfig({ providers: { anthropic: { api_key: '${ANTHROPIC_API_KEY}' } } }, { env: {} });
    expect(openConfiguredVault(plain, {})).toEqual({ references: [], issues: [], revealed: [], warnings: [] });
  });

  it('opens with OSSA_SECRETS_DECRYPT_KEY', () => {
    const { root, vault, keys } = newVault();
    vault.set('ANTHROPIC_API_KEY', VALUE);
    const opened = openConfiguredVault(config(root), { OSSA_SECRETS_DECRYPT_KEY: keys.privateKey });
    expect(opened.issues).toEqual([]);
    expect(opened.vault!.get('ANTHROPIC_API_KEY')).toBe(VALUE);
    // What it revealed is what the gateway must redact: the private key and every value.
    expect(opened.revealed).toEqual([keys.privateKey.trim(), VALUE]);
  });

  it('falls back to the vault\'s private key file, or security.secrets.decrypt_key_file', () => {
    const { root, vault, keys } = newVault();
    vault.set('ANTHROPIC_API_KEY', VALUE);
    expect(openConfiguredVault(config(root), {}).vault!.get('ANTHROPIC_API_KEY')).toBe(VALUE);
    const keyFile = join(root, 'elsewhere.key');
    writeFileSync(keyFile, keys.privateKey, { mode: 0o600 });
    expect(openConfiguredVault(config(root, { secrets: { vault_dir: 'config/secrets', decrypt_key_file: keyFile } }), {}).vault!.get('ANTHROPIC_API_KEY')).toBe(VALUE);
  });

  it('refuses a private key file every user of the host may read in prod, and warns in dev', () => {
    const { root, vault, keys } = newVault();
    vault.set('ANTHROPIC_API_KEY', VALUE);
    const keyFile = join(root, 'readable.key');
    writeFileSync(keyFile, keys.privateKey, { mode: 0o644 });
    chmodSync(keyFile, 0o644);
    const secrets = { secrets: { vault_dir: 'config/secrets', decrypt_key_file: keyFile } };
    const prod = openConfiguredVault(config(root, secrets), {}, 'ossa.yaml');
    expect(prod.vault).toBeUndefined();
    expect(prod.issues[0]!.message).toBe(`the vault's private key is refused in prod: ${keyFile} is readable by every user of the host (mode 0644): chmod 600 (or 400)`);
    const inDev = newVault('dev');
    inDev.vault.set('ANTHROPIC_API_KEY', VALUE);
    const devKeyFile = join(inDev.root, 'readable.key');
    writeFileSync(devKeyFile, inDev.keys.privateKey, { mode: 0o644 });
    chmodSync(devKeyFile, 0o644);
    const dev = normalizeConfig(
      { env: 'dev', providers: { anthropic: { api_key: 'vault:ANTHROPIC_API_KEY' } }, security: { secrets: { vault_dir: 'config/secrets', decrypt_key_file: devKeyFile } } },
      { baseDir: inDev.root, env: {} },
    ).config;
    const opened = openConfiguredVault(dev, {}, 'ossa.yaml');
    expect(opened.vault!.get('ANTHROPIC_API_KEY')).toBe(VALUE);
    expect(opened.warnings.map((w) => w.message)).toEqual([`the vault's private key ${devKeyFile} is readable by every user of the host (mode 0644): chmod 600 (or 400) (refused in prod)`]);
  });

  it('is a clear startup error with a wrong key, naming where the key came from', () => {
    const { root } = newVault();
    const opened = openConfiguredVault(config(root), { OSSA_SECRETS_DECRYPT_KEY: generateVaultKeyPair().privateKey }, 'ossa.yaml');
    expect(opened.vault).toBeUndefined();
    expect(opened.issues).toEqual([
      {
        file: 'ossa.yaml',
        path: 'security.secrets',
        message: expect.stringMatching(/^the vault of env "prod" cannot be opened with the key from OSSA_SECRETS_DECRYPT_KEY: the decryption key does not belong to this vault/),
      },
    ]);
  });

  it('is a clear startup error with no key at all, naming what references the vault', () => {
    const root = tempDir();
    const opened = openConfiguredVault(config(root), {});
    expect(opened.issues[0]!.message).toMatch(/^providers\.anthropic\.api_key references the vault, but there is no decryption key: set OSSA_SECRETS_DECRYPT_KEY/);
  });
});
