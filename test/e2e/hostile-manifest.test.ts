import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretsVault } from '../../src/secrets/secrets-vault.js';
import { generateVaultKeyPair } from '../../src/secrets/vault-crypto.js';
import { runCli, startServe } from '../support/cli-process.js';
import { tempDir } from '../support/gateway-harness.js';

// Manifests written by another team, and secret files another user of the host can reach,
// against the real binary: neither may get a secret of the gateway's out, nor slip in a key.

const PROVIDER_KEY = 'sk-ant-api03-hostilemanifest-7f3a9c1e5b2d';
const ADMIN_KEY = 'ossa-admin-hostilemanifest-2c4e6a8f0b1d';

/** A manifest whose llm block is `llm` (YAML lines under `llm:`). */
const manifest = (name: string, llm: string) => `apiVersion: ossa/v0.4.6
kind: Agent
metadata:
  name: ${name}
  version: 1.0.0
spec:
  role: You help.
  llm:
${llm}`;

function project(agents: Record<string, string>, extra = '', env: 'dev' | 'prod' = 'dev'): string {
  return tempDir({
    'ossa.yaml': `ossa:
  env: ${env}
  manifest_paths: [agents]
  server: { port: 0 }
  providers:
    claude: { type: anthropic, api_key: "\${ANTHROPIC_API_KEY}", base_url: http://127.0.0.1:9, model: claude-sonnet-4-5 }
  security:
    audit_logging: false
${extra}`,
    'agents/plain.ossa.yaml': manifest('plain', '    provider: claude\n'),
    ...Object.fromEntries(Object.entries(agents).map(([name, text]) => [`agents/${name}.ossa.yaml`, text])),
  });
}

describe('a hostile manifest', () => {
  it("cannot read the provider key or the vault's private key: serve and validate refuse it at the placeholder's position", async () => {
    const vaultKey = generateVaultKeyPair().privateKey;
    const dir = project({ hostile: manifest('hostile', '    provider: claude\n    model: "${ANTHROPIC_API_KEY}|${OSSA_SECRETS_DECRYPT_KEY}"\n    maxTokens: ${OSSA_SECRETS_DECRYPT_KEY:-1}\n') });
    const env = { ANTHROPIC_API_KEY: PROVIDER_KEY, OSSA_SECRETS_DECRYPT_KEY: vaultKey };
    for (const args of [['serve'], ['validate']]) {
      const run = await runCli(args, { cwd: dir, env });
      expect(run.code, args[0]).toBe(1);
      expect(run.stderr, args[0]).toContain('agents/hostile.ossa.yaml:10:12: spec.llm.model: ${ANTHROPIC_API_KEY} may not be read here: the config reads the secret providers.claude.api_key from it');
      expect(run.stderr, args[0]).toContain("agents/hostile.ossa.yaml:11:16: spec.llm.maxTokens: ${OSSA_SECRETS_DECRYPT_KEY} may not be read here: the config reads the secret the vault's private key from it");
      for (const secret of [PROVIDER_KEY, vaultKey.trim()]) expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    }
  });

  it('reads only what manifest_env allows: OSSA_LLM_* by default, others once listed, and says how', async () => {
    const dir = project({ tuned: manifest('tuned', '    provider: claude\n    model: ${OSSA_LLM_MODEL}\n    temperature: ${TEAM_TEMPERATURE:-0.3}\n') });
    const env = { ANTHROPIC_API_KEY: PROVIDER_KEY, OSSA_LLM_MODEL: 'claude-haiku-4-5', TEAM_TEMPERATURE: '0.9' };
    const refused = await runCli(['serve'], { cwd: dir, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/agents\/tuned\.ossa\.yaml:11:18: spec\.llm\.temperature: \$\{TEAM_TEMPERATURE\} may not be read here: manifest_env allows OSSA_LLM_\*, LLM_\*/);
    expect(refused.stderr).toContain('add it to manifest_env in ossa.yaml if the manifest may read it');

    const allowed = project({ tuned: manifest('tuned', '    provider: claude\n    model: ${OSSA_LLM_MODEL}\n    temperature: ${TEAM_TEMPERATURE:-0.3}\n') }, '  manifest_env: [OSSA_LLM_*, TEAM_TEMPERATURE]\n');
    const server = await startServe(allowed, env);
    const agents = (await (await fetch(`${server.url}/v1/agents`)).json()) as { agents: { name: string; model: string }[] };
    expect(agents.agents.find((agent) => agent.name === 'tuned')).toMatchObject({ model: 'claude-haiku-4-5' });
    expect(await server.stop()).toBe(0);
  });
});

describe('secret files other users of the host can reach', () => {
  it('refuses a world-writable file: key in prod, and warns about it in dev', async () => {
    const extra = '    admin_keys: ["file:secrets/admin_key"]\n';
    for (const env of ['prod', 'dev'] as const) {
      const dir = project({}, extra, env);
      const file = join(dir, 'secrets', 'admin_key');
      mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
      writeFileSync(file, ADMIN_KEY, { mode: 0o600 });
      chmodSync(file, 0o666);
      const message = `secret file secrets/admin_key is world-writable (mode 0666): anyone on the host can replace the key; chmod o-w`;
      if (env === 'prod') {
        const run = await runCli(['serve'], { cwd: dir, env: { ANTHROPIC_API_KEY: PROVIDER_KEY } });
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`security.admin_keys[0]: refused in prod: ${message}`);
      } else {
        const server = await startServe(dir, { ANTHROPIC_API_KEY: PROVIDER_KEY });
        expect(server.output()).toContain(`security.admin_keys[0]: ${message} (refused in prod)`);
        expect(await server.stop()).toBe(0);
      }
    }
  });

  it('refuses a vault private key file every user may read in prod, and serves once it is 0600', async () => {
    const dir = project({}, '    secrets: { vault_dir: config/secrets, decrypt_key_file: vault.key }\n  observability: { metrics_token: "vault:METRICS_TOKEN" }\n', 'prod');
    const vault = SecretsVault.at(join(dir, 'config', 'secrets'), 'prod');
    const keys = generateVaultKeyPair();
    vault.writeKeys(keys, { withPrivateKeyFile: false });
    vault.set('METRICS_TOKEN', 'ossa-metrics-hostilemanifest-6d8f0a2c4e6b');
    writeFileSync(join(dir, 'vault.key'), keys.privateKey, { mode: 0o644 });
    chmodSync(join(dir, 'vault.key'), 0o644);
    const run = await runCli(['serve'], { cwd: dir, env: { ANTHROPIC_API_KEY: PROVIDER_KEY } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/security\.secrets: the vault's private key is refused in prod: .*vault\.key is readable by every user of the host \(mode 0644\): chmod 600 \(or 400\)/);
    chmodSync(join(dir, 'vault.key'), 0o600);
    const server = await startServe(dir, { ANTHROPIC_API_KEY: PROVIDER_KEY });
    expect(await server.stop()).toBe(0);
  });
});
