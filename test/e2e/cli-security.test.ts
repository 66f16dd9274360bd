import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretsVault } from '../../src/secrets/secrets-vault.js';
import { generateVaultKeyPair } from '../../src/secrets/vault-crypto.js';
import { runCli, startServe } from '../support/cli-process.js';
import { agentManifest, readJson, tempDir } from '../support/gateway-harness.js';
import { startMockAnthropic, type MockUpstream } from '../support/mock-upstreams.js';
import { waitFor } from '../support/wait-for.js';

const VAULT_KEY = 'sk-ant-CLIVAULT-5e1c9a7b3d';

describe('the CLI with a secrets vault and an audit log', () => {
  let anthropic: MockUpstream;
  beforeAll(async () => {
    anthropic = await startMockAnthropic();
  });
  afterAll(async () => {
    await anthropic.close();
  });

  /** A project whose `claude` provider reads its key from the vault. */
  function project(extraConfig = ''): string {
    return tempDir({
      'ossa.yaml': `ossa:
  manifest_paths: [agents]
  server: { port: 0 }
  default_provider: claude
  providers:
    claude:
      type: anthropic
      api_key: vault:ANTHROPIC_API_KEY
      base_url: ${anthropic.url}
      model: claude-sonnet-4-5
${extraConfig}`,
      'agents/helper.ossa.yaml': agentManifest('helper'),
    });
  }

  it('serves with a vault: key once OSSA_SECRETS_DECRYPT_KEY holds the private key, and refuses to start with a wrong one', async () => {
    const dir = project();
    // The secrets:* commands are tested in-process (src/cli/secrets-commands.test.ts); here the
    // vault is made with the same API and only `serve` runs as a process.
    const vault = SecretsVault.at(join(dir, 'config', 'secrets'), 'dev');
    const keys = generateVaultKeyPair();
    vault.writeKeys(keys, { withPrivateKeyFile: false }); // production: the key lives in the environment, not on disk
    vault.set('ANTHROPIC_API_KEY', VAULT_KEY);
    const privateKey = keys.privateKey;

    const noKey = await runCli(['serve'], { cwd: dir });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/providers\.claude\.api_key references the vault, but there is no decryption key: set OSSA_SECRETS_DECRYPT_KEY/);

    const server = await startServe(dir, { OSSA_SECRETS_DECRYPT_KEY: privateKey });
    const res = await fetch(`${server.url}/v1/agents/helper/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input":"ping"}' });
    expect(await readJson(res)).toMatchObject({ provider: 'claude', fallback_used: false });
    expect(anthropic.requests.at(-1)!.headers['x-api-key']).toBe(VAULT_KEY);
    expect(await server.stop()).toBe(0);
    expect(server.output()).not.toContain(VAULT_KEY);

    const wrongKey = generateVaultKeyPair().privateKey;
    const wrong = await runCli(['serve'], { cwd: dir, env: { OSSA_SECRETS_DECRYPT_KEY: wrongKey } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('security.secrets: the vault of env "dev" cannot be opened with the key from OSSA_SECRETS_DECRYPT_KEY: the decryption key does not belong to this vault');
    expect(wrong.stderr).not.toContain(wrongKey);
    expect(wrong.stderr).not.toMatch(/listening/);
  });

  it('writes audit records to stderr when the audit file cannot be written, losing none', async () => {
    const dir = tempDir({ 'ossa.yaml': 'ossa:\n  security:\n    audit:\n      path: blocker/audit.jsonl\n', blocker: 'a file where a directory should be', 'agents/a.ossa.yaml': agentManifest('a') });
    const run = await runCli(['run', 'a', 'hello', '--json'], { cwd: dir });
    expect(run.code).toBe(0);
    const fallback = run.stderr
      .split('\n')
      .filter((line) => line.includes('"audit_fallback"'))
      .map((line) => JSON.parse(line) as { event: string; audit_fallback: string; request_id: string });
    expect(fallback.map((r) => [r.event, r.audit_fallback])).toEqual([
      ['llm_request', 'file'],
      ['llm_response', 'file'],
    ]);
    expect(fallback[0]!.request_id).toBe(JSON.parse(run.stdout).request_id);
    expect(run.stderr).toMatch(/the file audit sink failed .*audit records go to stderr/);
  });

  it('re-reads a file: key on SIGHUP, and flushes the audit log on SIGTERM with a request in flight', async () => {
    const keyFile = join(tempDir(), 'anthropic_key');
    writeFileSync(keyFile, 'sk-ant-SIGHUP-first-0000\n');
    const dir = tempDir({
      'ossa.yaml': `ossa:\n  manifest_paths: [agents]\n  server: { port: 0 }\n  providers:\n    claude: { type: anthropic, api_key: "file:${keyFile}", base_url: "${anthropic.url}", model: m }\n  security: { audit: { path: audit.jsonl } }\n`,
      'agents/a.ossa.yaml': agentManifest('a', { provider: 'claude' }),
    });
    const server = await startServe(dir);
    // Each request asks something new: the response cache (on by default) would answer a repeated
    // input itself, and this test is about calls that reach the upstream.
    const post = (id: string) => fetch(`${server.url}/v1/agents/a/execute`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: JSON.stringify({ input: `bye from ${id}` }) });

    writeFileSync(keyFile, 'sk-ant-SIGHUP-second-0000\n');
    server.child.kill('SIGHUP');
    await waitFor(() => /SIGHUP: secrets re-read, 1 key rotated/.test(server.output()));
    expect((await post('after-hup')).status).toBe(200);
    expect(anthropic.requests.at(-1)!.headers['x-api-key']).toBe('sk-ant-SIGHUP-second-0000');

    anthropic.script({ kind: 'reply', delayMs: 400 });
    const before = anthropic.requests.length;
    const pending = post('sigterm-1');
    await anthropic.until(() => anthropic.requests.length === before + 1);
    const exited = server.stop('SIGTERM');
    expect((await pending).status).toBe(200);
    expect(await exited).toBe(0);
    const records = readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event: string; request_id: string });
    expect(records.filter((r) => r.request_id === 'sigterm-1').map((r) => r.event)).toEqual(['llm_request', 'llm_response']);
    expect(server.output()).not.toContain('SIGHUP-second');
  });
});
