import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretsVault } from '../../src/secrets/secrets-vault.js';
import { generateVaultKeyPair } from '../../src/secrets/vault-crypto.js';
import { CHAOS_SECRETS, saveChaosArtifact } from './chaos-artifacts.js';
import { startServe, type ServeProcess } from './cli-process.js';
import { agentManifest, tempDir } from './gateway-harness.js';

/** Agents of the hostile-input gateway: `web` may use support and faq, `other` only billing. */
export const HOSTILE_AGENTS = ['support', 'faq', 'billing', 'offline'] as const;

export interface HostileProject {
  readonly dir: string;
  /** The environment `serve` needs: every fake key, and the vault's decryption key. */
  readonly env: Record<string, string>;
}

/**
 * A project for `ossa-gateway serve` configured with every kind of key the hostile-input
 * scenarios probe, each one a recognisable fake from CHAOS_SECRETS: provider keys from the
 * environment (`${VAR}`), the `other` client's key from the vault, an admin key, a metrics token.
 * Audit logging is on (file sink under `audit/`), so the secret sweep has audit records to grep.
 */
export function hostileProject(
  upstreams: { anthropic: string; openai: string },
  options: {
    /**
     * `lenient` (default): failed authentication is counted but hardly throttled, for scenarios
     * that probe the key checks with hundreds of wrong keys from one address; `default`: the
     * gateway's own limits (10 per address, 100 per credential kind, per minute).
     */
    readonly authThrottle?: 'lenient' | 'default';
    /** Trust `X-Forwarded-For`, so a scenario can speak from many addresses. */
    readonly trustProxy?: boolean;
  } = {},
): HostileProject {
  const throttle = options.authThrottle === 'default' ? '' : '\n    auth_throttle: { per_address: { limit: 1000000, interval: "1 minute" }, per_credential: { limit: 1000000, interval: "1 minute" } }';
  const dir = tempDir({
    'ossa.yaml': `ossa:
  env: dev
  manifest_paths: [agents]
  default_provider: echo
  server: { port: 0, body_limit: 1mb${options.trustProxy ? ', trust_proxy: true' : ''} }
  providers:
    claude:
      type: anthropic
      api_key: \${ANTHROPIC_API_KEY}
      base_url: ${upstreams.anthropic}
      model: claude-sonnet-4-5
      timeout: 2
      circuit_breaker: { fallback_providers: [echo] }
    gpt:
      type: openai
      api_key: \${OPENAI_API_KEY}
      base_url: ${upstreams.openai}
      model: gpt-4o-mini
      timeout: 2
  rate_limit: { enabled: true, storage: memory, user: { limit: 1000000, interval: "1 hour" }, global: { limit: 1000000, interval: "1 hour" } }
  cache: { enabled: true, storage: memory }
  security:
    clients:
      - { id: web, key: "\${CLIENT_KEY}", agents: [support, faq, offline] }
      - { id: other, key: "vault:OTHER_CLIENT_KEY", agents: [billing] }
    admin_keys: ["\${ADMIN_KEY}"]
    trust_user_header: true
    audit_logging: true
    audit: { sink: file, path: audit/audit.jsonl, include_content: true }${throttle}
  observability: { log_level: info, metrics: true, metrics_token: "\${METRICS_TOKEN}" }
`,
    'agents/support.ossa.yaml': agentManifest('support', { provider: 'claude', model: 'claude-sonnet-4-5' }),
    'agents/faq.ossa.yaml': agentManifest('faq'),
    'agents/billing.ossa.yaml': agentManifest('billing', { provider: 'gpt', model: 'gpt-4o-mini' }),
    'agents/offline.ossa.yaml': agentManifest('offline', { provider: 'none' }),
  });
  const vault = SecretsVault.at(join(dir, 'config', 'secrets'), 'dev');
  const keys = generateVaultKeyPair();
  vault.writeKeys(keys, { withPrivateKeyFile: false });
  vault.set('OTHER_CLIENT_KEY', CHAOS_SECRETS.otherClientKey);
  return {
    dir,
    env: {
      ANTHROPIC_API_KEY: CHAOS_SECRETS.anthropicKey,
      OPENAI_API_KEY: CHAOS_SECRETS.openaiKey,
      CLIENT_KEY: CHAOS_SECRETS.clientKey,
      ADMIN_KEY: CHAOS_SECRETS.adminKey,
      METRICS_TOKEN: CHAOS_SECRETS.metricsToken,
      OSSA_SECRETS_DECRYPT_KEY: keys.privateKey,
    },
  };
}

/** Starts `serve` in a hostile project. */
export function startHostileServe(project: HostileProject): Promise<ServeProcess> {
  return startServe(project.dir, project.env);
}

/** The resident set size of a process in bytes (Linux), or undefined where /proc has no answer. */
export function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Saves what a hostile-input gateway produced for the secret sweep: its log output, every audit
 * file, and a `/metrics` scrape (taken with the metrics token, before the process stops).
 */
export async function saveServeArtifacts(scenario: string, server: ServeProcess, project: HostileProject): Promise<void> {
  const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${CHAOS_SECRETS.metricsToken}` } })
    .then(async (res) => `${res.status}\n${await res.text()}`)
    .catch((error: unknown) => `metrics scrape failed: ${String(error)}`);
  saveChaosArtifact(`${scenario}.metrics.txt`, metrics);
  await server.stop();
  saveChaosArtifact(`${scenario}.log`, server.output());
  const auditDir = join(project.dir, 'audit');
  if (!existsSync(auditDir)) return;
  for (const name of readdirSync(auditDir)) saveChaosArtifact(`${scenario}.audit.${name}`, readFileSync(join(auditDir, name), 'utf8'));
}
