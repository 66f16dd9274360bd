import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe } from '../support/cli-process.js';
import { agentManifest, readJson, tempDir } from '../support/gateway-harness.js';
import { startMockAnthropic, type MockUpstream } from '../support/mock-upstreams.js';

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
    expect((await runCli(['secrets:generate-keys'], { cwd: dir })).code).toBe(0);
    const set = await runCli(['secrets:set', 'ANTHROPIC_API_KEY'], { cwd: dir, stdin: VAULT_KEY });
    expect(set).toMatchObject({ code: 0, stdout: expect.stringContaining('vault:ANTHROPIC_API_KEY') });
    expect((await runCli(['secrets:list'], { cwd: dir })).stdout).toBe('ANTHROPIC_API_KEY\n');
    const privateKeyFile = join(dir, 'config', 'secrets', 'dev', 'dev.decrypt.private.key');
    const privateKey = readFileSync(privateKeyFile, 'utf8').trim();
    rmSync(privateKeyFile); // production: the key lives in the environment, not on disk

    const noKey = await runCli(['serve'], { cwd: dir });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/providers\.claude\.api_key references the vault, but there is no decryption key: set OSSA_SECRETS_DECRYPT_KEY/);

    const server = await startServe(dir, { OSSA_SECRETS_DECRYPT_KEY: privateKey });
    const res = await fetch(`${server.url}/v1/agents/helper/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input":"ping"}' });
    expect(await readJson(res)).toMatchObject({ provider: 'claude', fallback_used: false });
    expect(anthropic.requests.at(-1)!.headers['x-api-key']).toBe(VAULT_KEY);
    expect(await server.stop()).toBe(0);
    expect(server.output()).not.toContain(VAULT_KEY);

    const other = tempDir();
    await runCli(['secrets:generate-keys'], { cwd: other });
    const wrongKey = readFileSync(join(other, 'config', 'secrets', 'dev', 'dev.decrypt.private.key'), 'utf8');
    const wrong = await runCli(['serve'], { cwd: dir, env: { OSSA_SECRETS_DECRYPT_KEY: wrongKey } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('security.secrets: the vault of env "dev" cannot be opened with the key from OSSA_SECRETS_DECRYPT_KEY: the decryption key does not belong to this vault');
    expect(wrong.stderr).not.toContain(wrongKey.trim());
    expect(wrong.stderr).not.toMatch(/listening/);
    expect((await runCli(['validate'], { cwd: dir, env: { OSSA_SECRETS_DECRYPT_KEY: wrongKey } })).code).toBe(1);
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

  it('flushes the audit log on SIGTERM: a request in flight is answered and recorded', async () => {
    const dir = tempDir({
      'ossa.yaml': `ossa:\n  manifest_paths: [agents]\n  server: { port: 0 }\n  providers:\n    claude: { type: anthropic, api_key: "\${KEY}", base_url: "${anthropic.url}", model: m }\n  security: { audit: { path: audit.jsonl } }\n`,
      'agents/a.ossa.yaml': agentManifest('a', { provider: 'claude' }),
    });
    const server = await startServe(dir, { KEY: 'sk-ant-SIGTERM-test-0000' });
    anthropic.script({ kind: 'reply', delayMs: 400 });
    const before = anthropic.requests.length;
    const pending = fetch(`${server.url}/v1/agents/a/execute`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'sigterm-1' }, body: '{"input":"bye"}' });
    await anthropic.until(() => anthropic.requests.length === before + 1);
    const exited = server.stop('SIGTERM');
    expect((await pending).status).toBe(200);
    expect(await exited).toBe(0);
    const records = readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event: string; request_id: string });
    expect(records.filter((r) => r.request_id === 'sigterm-1').map((r) => r.event)).toEqual(['llm_request', 'llm_response']);
  });
});
