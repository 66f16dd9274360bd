import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEventMap } from '../../src/events/gateway-events.js';
import { SecretsVault } from '../../src/secrets/secrets-vault.js';
import { generateVaultKeyPair } from '../../src/secrets/vault-crypto.js';
import { agentManifest, startTestGateway, tempDir, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, type MockUpstream } from '../support/mock-upstreams.js';

describe('key rotation without a restart (file: and vault: keys)', () => {
  let anthropic: MockUpstream;
  let t: TestGateway;
  let keyFile: string;
  let vault: SecretsVault;
  const rotations: GatewayEventMap['security.key_rotated'][] = [];

  beforeAll(async () => {
    anthropic = await startMockAnthropic();
    const secrets = tempDir();
    keyFile = join(secrets, 'anthropic_key');
    writeFileSync(keyFile, 'sk-ant-ROTATE-file-one\n');
    vault = SecretsVault.at(join(secrets, 'vault'), 'dev');
    const keys = generateVaultKeyPair();
    vault.writeKeys(keys, { withPrivateKeyFile: false });
    vault.set('VAULTED_KEY', 'sk-ant-ROTATE-vault-one');
    t = await startTestGateway({
      ossa: {
        providers: {
          filed: { type: 'anthropic', api_key: `file:${keyFile}`, base_url: anthropic.url, model: 'm' },
          vaulted: { type: 'anthropic', api_key: 'vault:VAULTED_KEY', base_url: anthropic.url, model: 'm' },
        },
        rate_limit: { enabled: false },
        cache: { enabled: false },
        security: { secrets: { vault_dir: join(secrets, 'vault') } },
      },
      agents: { a: agentManifest('a', { provider: 'filed' }), b: agentManifest('b', { provider: 'vaulted' }) },
      env: { OSSA_SECRETS_DECRYPT_KEY: keys.privateKey },
    });
    t.gateway.events.on('security.key_rotated', (e) => void rotations.push(e));
  });
  afterAll(async () => {
    await t.close();
    await anthropic.close();
  });

  async function keySentBy(agent: string): Promise<unknown> {
    expect((await t.post(`/v1/agents/${agent}/execute`, { input: 'hi' })).status).toBe(200);
    return anthropic.requests.at(-1)!.headers['x-api-key'];
  }

  it('changes nothing when no key changed', async () => {
    expect(t.gateway.reloadSecrets()).toEqual({ rotated: [], problems: [] });
    expect(await keySentBy('a')).toBe('sk-ant-ROTATE-file-one');
  });

  it('uses a rewritten secret file for new calls, with a security.key_rotated event', async () => {
    writeFileSync(keyFile, 'sk-ant-ROTATE-file-two\n');
    expect(t.gateway.reloadSecrets()).toEqual({ rotated: ['filed'], problems: [] });
    expect(await keySentBy('a')).toBe('sk-ant-ROTATE-file-two');
    expect(rotations).toEqual([{ type: 'security.key_rotated', provider: 'filed', origin: `file:${keyFile}` }]);
    expect(t.logs.messages()).toContain(`provider filed: the API key changed (file:${keyFile}); new calls use the new key`);
  });

  it('redacts the new key and still the old one when an upstream echoes them after the rotation', async () => {
    anthropic.script({ kind: 'reply', text: 'new sk-ant-ROTATE-file-two, old SK_ANT_ROTATE_FILE_ONE' });
    const answer = (await (await t.post('/v1/agents/a/execute', { input: 'echo the keys' })).json()) as { output: string };
    expect(answer.output).toBe('new [redacted], old [redacted]');
  });

  it('uses a value changed in the vault', async () => {
    vault.set('VAULTED_KEY', 'sk-ant-ROTATE-vault-two');
    expect(t.gateway.reloadSecrets().rotated).toEqual(['vaulted']);
    expect(await keySentBy('b')).toBe('sk-ant-ROTATE-vault-two');
  });

  it('keeps the current key when the new one is missing, saying why without a value', async () => {
    rmSync(keyFile);
    const result = t.gateway.reloadSecrets();
    expect(result.rotated).toEqual([]);
    expect(result.problems).toEqual([expect.stringMatching(/^provider filed: keeping the current key: no API key: secret file .*anthropic_key cannot be read \(ENOENT\)$/)]);
    expect(await keySentBy('a')).toBe('sk-ant-ROTATE-file-two');
    expect(t.logs.raw.join('\n')).not.toMatch(/ROTATE/);
  });
});
