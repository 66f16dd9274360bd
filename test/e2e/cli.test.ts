import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as cli, startServe } from '../support/cli-process.js';
import { agentManifest, readJson, tempDir } from '../support/gateway-harness.js';
import { startMockAnthropic } from '../support/mock-upstreams.js';
import { connectTestRedis, TEST_REDIS_URL } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';

describe('the ossa-gateway CLI', () => {
  it('prints help for the tool and for each command', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['serve', 'run', 'validate', 'agents']) expect(top.stdout).toMatch(new RegExp(`\\n  ${command} `));
    for (const command of ['serve', 'run', 'validate', 'agents']) {
      const help = await cli([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: ossa-gateway ${command}`));
    }
  });

  it('validates the example agents, and lists every error of broken manifests with exit 1', async () => {
    const ok = await cli(['validate']);
    expect(ok.stdout).toMatch(/^ok: 4 agents valid/);
    expect(ok.stdout).toContain('\n  files:   4 read, 0 skipped (no OSSA document)\n  agents:  4 in 4 documents\n');
    expect(ok.code).toBe(0);

    const dir = tempDir({
      'a.ossa.yaml': agentManifest('dup'),
      'b.ossa.yaml': agentManifest('dup'),
      'c.ossa.yaml': agentManifest('c', { temperature: 9 }),
      'd.ossa.yaml': 'apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata:\n  name: d\n  name: e\n',
    });
    const bad = await cli(['validate', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`error: ${join(dir, 'c.ossa.yaml')}:10:18: spec.llm.temperature: expected a number between 0 and 2, got 9`);
    expect(bad.stderr).toContain(`error: ${join(dir, 'd.ossa.yaml')}:5:3: Map keys must be unique`);
    // A set of manifests may hold one agent twice (a catalogue); a deployment may not.
    const clash = `${join(dir, 'b.ossa.yaml')}:1: metadata.name: agent "dup" version 1.0.0 is already defined at ${join(dir, 'a.ossa.yaml')}:1`;
    expect(bad.stderr).toContain(`warning: ${clash}`);
    expect(bad.stdout).toBe('failed: 2 errors, 1 warning\n  files:   4 read, 0 skipped (no OSSA document)\n  agents:  2 in 2 documents\n');
    const deployment = await cli(['validate', dir, '--deployment']);
    expect(deployment.stderr).toContain(`error: ${clash}`);
    expect(deployment.stdout).toMatch(/^failed: 3 errors, 0 warnings\n/);
  });

  it('runs an agent once through the echo provider when no key is set', async () => {
    const run = await cli(['run', 'customer-support', 'Where', 'is', 'my', 'order?', '--context', '{"order":"A-1"}']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('[echo] Where is my order?\n');
    // anthropic and openai are disabled for lack of keys: the chain falls back to echo.
    expect(run.stderr).toMatch(/\(echo, echo, \d+\+\d+ tokens, \d+ ms, fallback\)/);
    const json = await cli(['run', 'code-reviewer', 'x = 1', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ agent: { name: 'code-reviewer' }, provider: 'echo', output: '[echo] x = 1', fallback_used: true, attempts: 1 });
    const missing = await cli(['run', 'nobody', 'hi']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no agent named "nobody"/);
  });

  it('runs without the rate limits: an operator at a terminal takes no client token', async () => {
    const redis = await connectTestRedis();
    try {
      const dir = tempDir({
        'agents/support.ossa.yaml': agentManifest('support'),
        'ossa.yaml': `ossa:\n  manifest_paths: [agents]\n  redis: { url: "${TEST_REDIS_URL}", key_prefix: "${redis.prefix}" }\n  rate_limit: { storage: redis, user: { limit: 1, interval: "1 hour" } }\n  cache: { enabled: false }\n  security: { audit_logging: false }\n`,
      });
      // Two runs against a shared limit of one request: both answer, and no bucket was written.
      for (const input of ['first', 'second']) expect(await cli(['run', 'support', input, '--config', join(dir, 'ossa.yaml')])).toMatchObject({ code: 0, stdout: `[echo] ${input}\n` });
      expect(await redis.keys()).toEqual([]);
    } finally {
      await redis.cleanup();
    }
  });

  it('lists agents and who serves them', async () => {
    const list = await cli(['agents']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME\s+VERSION\s+PROVIDER\s+MODEL\s+SERVED BY$/);
    expect(list.stdout).toMatch(/customer-support\s+1\.2\.0\s+anthropic\s+claude-sonnet-4-5\s+echo\/echo/);
  });

  it('refuses to serve with a broken manifest, listing them all, before listening', async () => {
    const dir = tempDir({
      'ossa.yaml': 'ossa:\n  manifest_paths: [agents]\n  server:\n    port: 0\n',
      'agents/a.ossa.yaml': agentManifest('a', { provider: 'mistral' }),
      'agents/b.ossa.yaml': agentManifest('b', { maxTokens: 0 }),
    });
    const serve = await cli(['serve'], { cwd: dir });
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain(`${join(dir, 'agents', 'b.ossa.yaml')}:10:16: spec.llm.maxTokens: expected a whole number >= 1, got 0`);
    expect(serve.stderr).not.toMatch(/listening/);
  });

  it('refuses to serve an agent whose provider is not configured, naming both', async () => {
    const dir = tempDir({
      'ossa.yaml': 'ossa:\n  manifest_paths: [agents]\n  server:\n    port: 0\n',
      'agents/a.ossa.yaml': agentManifest('writer', { provider: 'mistral', model: 'mistral-large' }),
    });
    const serve = await cli(['serve'], { cwd: dir });
    expect(serve.code).toBe(1);
    expect(serve.stderr).toMatch(/agent "writer": provider "mistral" is not configured \(configured: echo\)/);
  });

  it('reports a config error with file, line, column and a suggestion, exiting before listening', async () => {
    const dir = tempDir({ 'bad.yaml': 'ossa:\n  server:\n    prot: 8080\n' });
    const serve = await cli(['serve', '--config', join(dir, 'bad.yaml')]);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain(`${join(dir, 'bad.yaml')}:3:5: server.prot: unknown key "prot" (did you mean "port"?)`);
  });

  it('serves until SIGTERM, then exits 0', async () => {
    const dir = tempDir({ 'ossa.yaml': 'ossa:\n  manifest_paths: [agents]\n  server:\n    port: 0\n', 'agents/a.ossa.yaml': agentManifest('a') });
    const server = await startServe(dir);
    const res = await fetch(`${server.url}/v1/agents/a/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input":"ping"}' });
    expect(await readJson(res)).toMatchObject({ output: '[echo] ping', provider: 'echo' });
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.output()).toMatch(/shutdown complete/);
  });

  it('drains for server.shutdown_delay after SIGTERM: /readyz 503, requests still served with Connection: close, then exits 0', async () => {
    const dir = tempDir({ 'ossa.yaml': 'ossa:\n  manifest_paths: [agents]\n  server: { port: 0, shutdown_delay: 1.5 }\n', 'agents/a.ossa.yaml': agentManifest('a') });
    const server = await startServe(dir);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const signalledAt = Date.now();
    const stopped = server.stop('SIGTERM');
    await waitFor(() => /draining/.test(server.output()));
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'fail', checks: expect.arrayContaining([{ name: 'server', status: 'fail', detail: 'shutting down' }]) });
    const res = await server.post('/v1/agents/a/execute', { input: 'still here' });
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect(await readJson(res)).toMatchObject({ output: '[echo] still here' });
    expect(await stopped).toBe(0);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(1_400);
    expect(server.output()).toMatch(/shutdown complete/);
  });

  it('exits 1 once server.shutdown_timeout has passed with a request still in flight, its audit record written', async () => {
    const upstream = await startMockAnthropic();
    upstream.mode = { kind: 'hang' };
    try {
      const dir = tempDir({
        'ossa.yaml': `ossa:\n  manifest_paths: [agents]\n  server: { port: 0, shutdown_timeout: 0.3 }\n  providers:\n    claude: { type: anthropic, api_key: "\${ANTHROPIC_API_KEY}", base_url: "${upstream.url}", model: m, timeout: 60 }\n  security: { audit: { path: audit.jsonl } }\n`,
        'agents/a.ossa.yaml': agentManifest('a', { provider: 'claude' }),
      });
      const server = await startServe(dir, { ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-shutdown-0000' });
      const pending = fetch(`${server.url}/v1/agents/a/execute`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'stuck-1' }, body: '{"input":"hangs"}' }).catch((error: unknown) => error);
      await upstream.until(() => upstream.requests.length === 1);
      // The upstream never answers and its timeout is a minute: only the shutdown timeout can end this.
      expect(await server.stop('SIGTERM')).toBe(1);
      expect(server.output()).toMatch(/shutdown timed out; exiting with requests still in flight/);
      expect(await pending).toBeInstanceOf(Error);
      const records = readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event: string; request_id: string });
      expect(records.map((r) => [r.event, r.request_id])).toEqual([['llm_request', 'stuck-1']]);
    } finally {
      await upstream.close();
    }
  });
});
