import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyWeakness } from '../../src/http/auth/key-strength.js';
import { keyDigest } from '../../src/secrets/generate-api-key.js';
import { readAuditFile } from '../support/audit-file.js';
import { ROOT, runCli, startServe, type ServeProcess } from '../support/cli-process.js';
import { agentManifest, tempDir } from '../support/gateway-harness.js';
import { waitFor } from '../support/wait-for.js';

// Items 2 and 3 of issue 18 through real serve processes: a per-IP limit behind proxies that a
// client cannot dodge by forging X-Forwarded-For, and credentials too weak for prod.

/** A project directory with one agent and `config` as its ossa.yaml (`server` settings besides port 0 in `server`). */
function project(config: string, server = ''): string {
  const dir = tempDir({ 'agents/support.ossa.yaml': agentManifest('support') });
  writeFileSync(join(dir, 'ossa.yaml'), `ossa:\n  manifest_paths: [agents]\n  server: { port: 0${server} }\n${config}`);
  return dir;
}

const PER_IP = '  rate_limit: { user: { limit: 3, interval: "1 hour" } }\n  cache: { enabled: false }\n  security: { audit: { path: audit/audit.jsonl } }\n';

describe('server.trust_proxy: the client IP behind trusted proxies', () => {
  let hops: ServeProcess;
  let cidrs: ServeProcess;
  let hopsDir: string;
  beforeAll(async () => {
    // A weak admin key in dev: the gateway starts, and says so.
    hopsDir = project(PER_IP.replace('security: {', 'security: { admin_keys: ["${ADMIN}"],'), ', trust_proxy: 1');
    const cidrDir = project(PER_IP, ', trust_proxy: [127.0.0.1/32, 10.0.0.0/8]');
    [hops, cidrs] = await Promise.all([startServe(hopsDir, { ADMIN: 'admin' }), startServe(cidrDir)]);
  });
  afterAll(async () => {
    await Promise.all([hops?.stop(), cidrs?.stop()]);
  });

  const burst = async (gateway: ServeProcess, forwardedFor: (i: number) => string): Promise<number[]> => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await gateway.post('/v1/agents/support/execute', { input: `q${i}` }, { 'x-forwarded-for': forwardedFor(i) })).status);
    return statuses;
  };

  it('with a hop count, a client that forges leading hops still has the one address its proxy saw: 3 of 8 admitted', async () => {
    // The proxy (this test, on 127.0.0.1) appends the address it saw: 203.0.113.7. The rest is the client's.
    const statuses = await burst(hops, (i) => `198.51.100.${i}, 10.9.9.${i}, 203.0.113.7`);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    // Another client behind the same proxy has its own bucket.
    expect((await hops.post('/v1/agents/support/execute', { input: 'x' }, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
    const audit = await waitFor(() => {
      const records = readAuditFile(join(hopsDir, 'audit', 'audit.jsonl')).records;
      return records.length >= 8 ? records : undefined;
    });
    expect(new Set(audit.map((r) => r.user_id))).toEqual(new Set(['203.0.113.7', '203.0.113.8']));
  });

  it('with trusted CIDRs, the nearest address outside them is the client, however many hops it forges', async () => {
    const statuses = await burst(cidrs, (i) => `198.51.100.${i}, 203.0.113.9, 10.1.2.${i}`);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
  });

  it('warns in dev about a weak admin key (never showing it), and about trust_proxy: true', async () => {
    expect(hops.output()).toContain('security.admin_keys[0] is too weak for prod: the key is a well-known default or placeholder (make one with: ossa-gateway secrets:new-key)');
    const run = await runCli(['validate'], { cwd: project('', ', trust_proxy: true') });
    expect(run.stdout + run.stderr).toContain('server.trust_proxy: true trusts every X-Forwarded-For hop, so a client can forge its address');
  });

  it('refuses trust_proxy: true in prod', async () => {
    const run = await runCli(['serve'], { cwd: project('  env: prod\n', ', trust_proxy: true') });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ossa\.yaml:\d+:\d+: server\.trust_proxy: true trusts every X-Forwarded-For hop, .*; refused in prod \(write the number of proxies/);
  });
});

describe('credentials in prod', () => {
  const prodConfig = `  env: prod
  security:
    clients:
      - { id: web, key: "\${CLIENT_KEY}" }
      - { id: batch, key_sha256: "\${BATCH_DIGEST}" }
    admin_keys: ["\${ADMIN_KEY}"]
  observability: { metrics_token: "\${METRICS_TOKEN}" }
`;

  it('refuses client key "a", admin key "admin" and metrics token "1", naming each key path and never the key', async () => {
    const run = await runCli(['serve'], { cwd: project(prodConfig), env: { CLIENT_KEY: 'a', BATCH_DIGEST: keyDigest('admin'), ADMIN_KEY: 'admin', METRICS_TOKEN: '1' } });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/listening/);
    const lines = run.stderr.split('\n').filter((line) => line.includes('too weak'));
    expect(lines.map((line) => line.replace(/^\s*\S*ossa\.yaml: /, ''))).toEqual([
      'security.clients[0].key: is too weak: the key is 1 character long; at least 32 are needed (make one with: ossa-gateway secrets:new-key)',
      'security.clients[1].key_sha256: is too weak: the key is the SHA-256 of a well-known default or placeholder (make one with: ossa-gateway secrets:new-key)',
      'security.admin_keys[0]: is too weak: the key is a well-known default or placeholder (make one with: ossa-gateway secrets:new-key)',
      'observability.metrics_token: is too weak: the key is 1 character long; at least 32 are needed (make one with: ossa-gateway secrets:new-key)',
    ]);
  });

  it('starts with keys from secrets:new-key, and they work', async () => {
    const keys = await Promise.all([1, 2, 3, 4].map(() => runCli(['secrets:new-key'])));
    const [client, batch, admin, metrics] = keys.map((run) => run.stdout.trim()) as [string, string, string, string];
    for (const run of keys) {
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
      expect(run.stderr).toBe(`key_sha256: ${keyDigest(run.stdout.trim())}\n`);
      expect(keyWeakness(run.stdout.trim())).toBeUndefined();
    }
    const gateway = await startServe(project(prodConfig), { CLIENT_KEY: client, BATCH_DIGEST: keyDigest(batch), ADMIN_KEY: admin, METRICS_TOKEN: metrics });
    try {
      for (const key of [client, batch]) expect((await fetch(`${gateway.url}/v1/agents`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
      expect((await fetch(`${gateway.url}/v1/providers`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(200);
      expect((await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${metrics}` } })).status).toBe(200);
      expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401);
    } finally {
      await gateway.stop();
    }
  });
});
