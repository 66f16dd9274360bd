import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentManifest, tempDir } from '../support/gateway-harness.js';
import { ROOT, runCli, startServe, type ServeProcess } from '../support/cli-process.js';
import { connectTestRedis, TEST_REDIS_URL, type TestRedis } from '../support/test-redis.js';

const GLOBAL_LIMIT = 30;
const ADMIN_KEY = 'ossa-admin-SHAREDREDIS-1a2b3c4d5e6f7a';
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

describe('several gateway processes on one Redis', () => {
  let redis: TestRedis;
  let dir: string;
  let config: string;
  let gateways: ServeProcess[];
  const env = { ADMIN_KEY };
  let admitted = 0;
  let rejected = 0;

  /** Sends through one process, counting what the shared global bucket let through. */
  const ask = async (gateway: ServeProcess, input: string, user = 'someone'): Promise<Response> => {
    const res = await gateway.post('/v1/agents/support/execute', { input }, { 'x-user-id': user });
    if (res.status === 200) admitted++;
    else if (res.status === 429) rejected++;
    else throw new Error(`unexpected ${res.status}: ${await res.text()}`);
    return res;
  };

  beforeAll(async () => {
    redis = await connectTestRedis();
    dir = tempDir({ 'agents/support.ossa.yaml': agentManifest('support') });
    config = join(dir, 'ossa.yaml');
    writeFileSync(
      config,
      `ossa:
  manifest_paths: [agents]
  server: { port: 0 }
  # Generous: this test is about atomic counting across processes, on a CI box shared with
  # other test files; the outage test covers the fail-fast default.
  redis: { url: "${TEST_REDIS_URL}", key_prefix: "${redis.prefix}", command_timeout_ms: 1000 }
  rate_limit:
    storage: redis
    user: { limit: 1000, interval: "1 hour" }
    global: { limit: ${GLOBAL_LIMIT}, interval: "1 hour" }
  cache: { storage: redis, response_ttl: 600 }
  security:
    trust_user_header: true
    admin_keys: ["\${ADMIN_KEY}"]
  observability: { log_level: info }
`,
    );
    gateways = await Promise.all([startServe(ROOT, env, ['--config', config]), startServe(ROOT, env, ['--config', config])]);
  });

  afterAll(async () => {
    await Promise.all((gateways ?? []).map((g) => g.stop()));
    await redis?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares cached responses: cached through one process, a hit on the other', async () => {
    const [a, b] = gateways as [ServeProcess, ServeProcess];
    const miss = await ask(a, 'Where is my order?');
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const hit = await ask(b, 'Where is my order?');
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect((await hit.json()) as unknown).toMatchObject({ cached: true, output: '[echo] Where is my order?' });
  });

  it('shares invalidations: an agent invalidated through one process is a miss on the other', async () => {
    const [a, b] = gateways as [ServeProcess, ServeProcess];
    await ask(a, 'to invalidate');
    expect((await ask(b, 'to invalidate')).headers.get('x-cache')).toBe('HIT');
    const cleared = await fetch(`${b.url}/v1/cache/agents/support`, { method: 'DELETE', headers: admin });
    expect(cleared.status).toBe(200);
    expect((await ask(a, 'to invalidate')).headers.get('x-cache')).toBe('MISS');
    expect((await ask(b, 'to invalidate')).headers.get('x-cache')).toBe('HIT');
    const one = await a.post('/v1/cache/invalidate', { agent: 'support', input: 'to invalidate' }, admin);
    expect(await one.json()).toMatchObject({ removed: true });
    expect((await ask(b, 'to invalidate')).headers.get('x-cache')).toBe('MISS');
  });

  it('clears the shared store from the CLI, for every process', async () => {
    const [a, b] = gateways as [ServeProcess, ServeProcess];
    await ask(a, 'cli');
    expect((await ask(b, 'cli')).headers.get('x-cache')).toBe('HIT');
    const run = await runCli(['cache:clear', 'support', '--config', config], { env });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`cleared the cached responses of agent support in the redis cache at ${TEST_REDIS_URL} (prefix "${redis.prefix}")\n`);
    expect(run.code).toBe(0);
    expect((await ask(b, 'cli')).headers.get('x-cache')).toBe('MISS');
    const all = await runCli(['cache:clear', '--config', config], { env });
    expect(all.code).toBe(0);
    expect((await ask(a, 'cli')).headers.get('x-cache')).toBe('MISS');
    const unknown = await runCli(['cache:clear', 'nobody', '--config', config], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no agent named "nobody"/);
  });

  it(`admits exactly ${GLOBAL_LIMIT} requests in total through a global bucket of ${GLOBAL_LIMIT}, under concurrent load on both`, async () => {
    const before = admitted;
    // Distinct inputs: every admitted request is a miss, so nothing is served without a check.
    const burst = await Promise.all(Array.from({ length: 3 * GLOBAL_LIMIT }, (_, i) => ask(gateways[i % 2]!, `load ${i}`, `user-${i % 9}`)));
    // Every check reached Redis (none failed open), so the count is the bucket's alone.
    const failedOpen = gateways.flatMap((g) => g.output().split('\n')).filter((line) => line.includes('rate limit store (redis) failed'));
    expect(failedOpen).toEqual([]);
    expect(admitted).toBe(GLOBAL_LIMIT);
    expect(rejected).toBe(3 * GLOBAL_LIMIT - (GLOBAL_LIMIT - before));
    const ok = burst.filter((r) => r.status === 200);
    // Each admitted request took its own token: the remaining counts are all different.
    const remaining = ok.map((r) => Number(r.headers.get('ratelimit-remaining'))).sort((x, y) => x - y);
    expect(remaining).toEqual(Array.from({ length: GLOBAL_LIMIT - before }, (_, i) => i));
    const refused = burst.filter((r) => r.status === 429);
    // One token every 120 s, partly refilled since the first requests of this file.
    for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(100);
    for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(120);
    expect(new Set(burst.map((r) => r.url.split('/v1')[0]))).toEqual(new Set(gateways.map((g) => g.url)));
    // Both processes served and refused some.
    for (const g of gateways) {
      expect(burst.some((r) => r.url.startsWith(g.url) && r.status === 200)).toBe(true);
      expect(burst.some((r) => r.url.startsWith(g.url) && r.status === 429)).toBe(true);
    }
    // The buckets live in Redis under the configured prefix, hash-tagged.
    expect(await redis.keys()).toEqual(expect.arrayContaining([`${redis.prefix}{rl}:global`, `${redis.prefix}{rl}:user:user-0`]));
  });
});
