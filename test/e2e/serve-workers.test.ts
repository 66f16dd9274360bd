import { request } from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe, type ServeProcess } from '../support/cli-process.js';
import { agentManifest, tempDir } from '../support/gateway-harness.js';
import { startMockAnthropic, type MockUpstream } from '../support/mock-upstreams.js';
import { parsePrometheus, sampleSum } from '../support/prometheus-text.js';
import { connectTestRedis, TEST_REDIS_URL, type TestRedis } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';

/** The per-user limit the workers share through Redis. */
const LIMIT = 12;
const SENT = 3 * LIMIT;

/** A POST on a connection of its own (`agent: false`), so the cluster hands each to a worker in turn. */
function postOnFreshConnection(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', connection: 'close', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')));
    req.end(JSON.stringify(body));
  });
}

/** `"worker":N,"pid":P,...,"msg":"worker N listening"` lines: each worker's pid, latest last. */
function listeningPids(output: string, worker: number): number[] {
  return [...output.matchAll(new RegExp(`"worker":${worker},"pid":(\\d+)[^\\n]*"msg":"worker ${worker} listening"`, 'g'))].map((m) => Number(m[1]));
}

describe('serve --workers 2', () => {
  let redis: TestRedis;
  let upstream: MockUpstream;
  let dir: string;
  let server: ServeProcess;

  beforeAll(async () => {
    redis = await connectTestRedis();
    upstream = await startMockAnthropic();
    dir = tempDir({ 'agents/support.ossa.yaml': agentManifest('support'), 'agents/slow.ossa.yaml': agentManifest('slow', { provider: 'claude' }) });
    writeFileSync(
      join(dir, 'ossa.yaml'),
      `ossa:
  manifest_paths: [agents]
  server: { port: 0, workers: 2, shutdown_timeout: 5 }
  redis: { url: "${TEST_REDIS_URL}", key_prefix: "${redis.prefix}", command_timeout_ms: 1000 }
  rate_limit:
    storage: redis
    user: { limit: ${LIMIT}, interval: "1 hour" }
    # Far from reached: its gauge (one series per worker) shows which workers decided.
    global: { limit: 100000, interval: "1 hour" }
  cache: { enabled: false }
  providers:
    claude: { type: anthropic, api_key: "\${ANTHROPIC_API_KEY}", base_url: "${upstream.url}", model: m }
  security: { trust_user_header: true, audit: { path: audit.jsonl } }
`,
    );
    server = await startServe(dir, { ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-workers-0000' }, ['--port', '0']);
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await upstream?.close();
    await redis?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('logs the one URL once, after both workers listen', () => {
    expect(server.output().match(/ossa-gateway listening on/g)).toHaveLength(1);
    expect(listeningPids(server.output(), 1)).toHaveLength(1);
    expect(listeningPids(server.output(), 2)).toHaveLength(1);
  });

  it('admits exactly the limit across both workers, and /metrics sums what both served', async () => {
    const statuses: number[] = [];
    // Six at a time, each on a new connection: the cluster deals connections to the workers in turn.
    for (let i = 0; i < SENT; i += 6) {
      statuses.push(...(await Promise.all(Array.from({ length: 6 }, (_, j) => postOnFreshConnection(server.url, '/v1/agents/support/execute', { input: `q${i + j}` }, { 'x-user-id': 'counted' })))));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(SENT - LIMIT);

    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    const samples = parsePrometheus(await metrics.text());
    const route = { method: 'POST', route: '/v1/agents/:name/execute' };
    expect(sampleSum(samples, 'ossa_http_requests_total', { ...route, status: '200' })).toBe(LIMIT);
    expect(sampleSum(samples, 'ossa_http_requests_total', { ...route, status: '429' })).toBe(SENT - LIMIT);
    expect(sampleSum(samples, 'ossa_rate_limit_rejections_total', { scope: 'user' })).toBe(SENT - LIMIT);
    // Both workers decided: each has its own series of the per-worker gauge.
    const workers = samples.filter((s) => s.name === 'ossa_rate_limit_remaining' && s.labels['scope'] === 'global').map((s) => s.labels['worker']);
    expect(workers.sort()).toEqual(['1', '2']);
    expect(samples.filter((s) => s.name === 'ossa_build_info')).toHaveLength(1);
  });

  it('passes SIGHUP to both workers: each re-reads its keys', async () => {
    server.child.kill('SIGHUP');
    await waitFor(() => [1, 2].every((w) => new RegExp(`"worker":${w},[^\\n]*SIGHUP: secrets re-read`).test(server.output())));
  });

  it('replaces a worker that is killed, on the same port', async () => {
    const [pid] = listeningPids(server.output(), 1);
    process.kill(pid!, 'SIGKILL');
    await waitFor(() => server.output().includes(`worker 1 (pid ${pid}) exited unexpectedly (signal SIGKILL); restarting it`));
    await waitFor(() => listeningPids(server.output(), 1).length === 2, 10_000);
    expect(listeningPids(server.output(), 1)[1]).not.toBe(pid);
    const served = await Promise.all(Array.from({ length: 4 }, (_, i) => postOnFreshConnection(server.url, '/v1/agents/support/execute', { input: `after ${i}` }, { 'x-user-id': `u${i}` })));
    expect(served).toEqual([200, 200, 200, 200]);
  });

  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    upstream.script({ kind: 'reply', delayMs: 600 });
    const pending = postOnFreshConnection(server.url, '/v1/agents/slow/execute', { input: 'slow one' }, { 'x-user-id': 'slow' });
    await upstream.until(() => upstream.requests.length === 1);
    const exited = server.stop('SIGTERM');
    expect(await pending).toBe(200);
    expect(await exited).toBe(0);
    expect(server.output()).toMatch(/shutdown complete: every worker exited cleanly/);
  });
});

describe('serve --workers refusals', () => {
  it('refuses a memory rate limiter before listening, naming the key and the fix', async () => {
    const dir = tempDir({ 'ossa.yaml': 'ossa:\n  manifest_paths: [agents]\n  server: { port: 0 }\n  rate_limit:\n    user: { limit: 5, interval: 1m }\n  cache: { storage: file }\n', 'agents/a.ossa.yaml': agentManifest('a') });
    const run = await runCli(['serve', '--workers', '2'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--workers 2 needs every limit shared by the workers');
    expect(run.stderr).toMatch(/ossa\.yaml:\d+:\d+: rate_limit\.storage: the rate limiter counts in each process's memory: with 2 workers every limit would admit 2x its requests \(set rate_limit\.storage: redis/);
    expect(run.stderr + run.stdout).not.toMatch(/listening/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bad --workers (exit 2) and a bad server.workers at its line', async () => {
    const flag = await runCli(['serve', '--workers', 'many']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--workers must be a number of processes from 1 to 1024, or "auto" (one per core), got "many"');
    const dir = tempDir({ 'ossa.yaml': 'ossa:\n  server:\n    workers: 0\n' });
    const key = await runCli(['serve'], { cwd: dir });
    expect(key.code).toBe(1);
    expect(key.stderr).toContain(`${join(dir, 'ossa.yaml')}:3:14: server.workers: expected a number of worker processes (1 or more) or "auto" (one per core), got 0`);
    rmSync(dir, { recursive: true, force: true });
  });
});
