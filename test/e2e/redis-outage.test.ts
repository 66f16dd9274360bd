import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentManifest, tempDir } from '../support/gateway-harness.js';
import { ROOT, startServe, type ServeProcess } from '../support/cli-process.js';
import { testKeyPrefix } from '../support/test-redis.js';
import { ThrowawayRedis } from '../support/throwaway-redis.js';

interface Outcome {
  readonly status: number;
  readonly ms: number;
  readonly headers: Headers;
  readonly body: string;
}

describe('Redis killed in the middle of load, then restarted', () => {
  let redis: ThrowawayRedis;
  let dir: string;
  let failOpen: ServeProcess;
  let failClosed: ServeProcess;
  const prefix = testKeyPrefix();

  const config = (mode: { failOpen: boolean; cache: 'redis' | 'memory' }): string => `ossa:
  manifest_paths: [agents]
  server: { port: 0 }
  # A killed Redis fails commands at once, whatever this says; 500 ms only keeps a CI box that is
  # busy with other test files from failing checks before the kill.
  redis: { url: "${redis.url}", key_prefix: "${prefix}", command_timeout_ms: 500 }
  rate_limit:
    storage: redis
    fail_open: ${mode.failOpen}
    user: { limit: 10000, interval: "1 hour" }
    global: { limit: 100000, interval: "1 hour" }
  cache: { storage: ${mode.cache} }
  security: { trust_user_header: true }
`;

  beforeAll(async () => {
    redis = await ThrowawayRedis.start();
    dir = tempDir({ 'agents/support.ossa.yaml': agentManifest('support') });
    writeFileSync(join(dir, 'open.yaml'), config({ failOpen: true, cache: 'redis' }));
    writeFileSync(join(dir, 'closed.yaml'), config({ failOpen: false, cache: 'memory' }));
    [failOpen, failClosed] = await Promise.all([startServe(ROOT, {}, ['--config', join(dir, 'open.yaml')]), startServe(ROOT, {}, ['--config', join(dir, 'closed.yaml')])]);
  });

  afterAll(async () => {
    await Promise.all([failOpen?.stop(), failClosed?.stop()]);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (gateway: ServeProcess, input: string): Promise<Outcome> => {
    const started = performance.now();
    const res = await gateway.post('/v1/agents/support/execute', { input }, { 'x-user-id': `user-${input.length % 5}` });
    const body = await res.text();
    return { status: res.status, ms: performance.now() - started, headers: res.headers, body };
  };
  let waveNumber = 0;
  /** 20 concurrent requests, half to each gateway. */
  const wave = async (): Promise<{ open: Outcome[]; closed: Outcome[] }> => {
    const n = ++waveNumber;
    const pairs = await Promise.all(Array.from({ length: 10 }, (_, i) => Promise.all([call(failOpen, `wave ${n} req ${i}`), call(failClosed, `wave ${n} req ${i}`)])));
    return { open: pairs.map((p) => p[0]), closed: pairs.map((p) => p[1]) };
  };
  const statuses = (outcomes: Outcome[]): number[] => outcomes.map((o) => o.status);

  it('fails no request in fail-open mode, answers quick 503s in fail-closed mode, and both recover by themselves', async () => {
    // Before: both limit through Redis.
    for (let i = 0; i < 3; i++) {
      const { open, closed } = await wave();
      expect([...statuses(open), ...statuses(closed)]).toEqual(Array(20).fill(200));
      expect(open.every((o) => o.headers.get('ratelimit-limit') !== null)).toBe(true);
    }

    await redis.kill();
    const outage: { open: Outcome[]; closed: Outcome[] }[] = [];
    for (let i = 0; i < 5; i++) outage.push(await wave());
    const open = outage.flatMap((w) => w.open);
    const closed = outage.flatMap((w) => w.closed);
    // Fail open: every request answered, unchecked (no headers) and uncached.
    expect(statuses(open)).toEqual(Array(50).fill(200));
    expect(open.every((o) => o.headers.get('ratelimit-limit') === null)).toBe(true);
    expect(open.every((o) => o.headers.get('x-cache') === 'MISS')).toBe(true);
    // Fail closed: a 503 for every request, at once, saying why.
    expect(statuses(closed)).toEqual(Array(50).fill(503));
    expect(closed.every((o) => o.headers.get('retry-after') === '1')).toBe(true);
    expect(JSON.parse(closed[0]!.body)).toMatchObject({ type: 'urn:ossa-gateway:problem:rate-limit-unavailable', status: 503 });
    // Nobody waited on the dead Redis (a generous bound: the point is seconds versus never).
    expect(Math.max(...[...open, ...closed].map((o) => o.ms))).toBeLessThan(2_000);
    expect((await fetch(`${failClosed.url}/readyz`)).status).toBe(503);
    const openReady = await fetch(`${failOpen.url}/readyz`);
    expect(openReady.status).toBe(200);
    expect(await openReady.json()).toMatchObject({ status: 'degraded' });

    await redis.restart();
    // Recovery needs no restart of the gateways: each reconnects on its own; poll until the
    // fail-closed one admits again and the fail-open one checks limits again.
    const recovered = { closed: false, open: false };
    for (let i = 0; i < 100 && !(recovered.closed && recovered.open); i++) {
      recovered.closed ||= (await call(failClosed, `probe ${i}`)).status === 200;
      recovered.open ||= (await call(failOpen, `probe ${i}`)).headers.get('ratelimit-limit') !== null;
      if (!(recovered.closed && recovered.open)) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recovered).toEqual({ closed: true, open: true });
    const after = await wave();
    expect([...statuses(after.open), ...statuses(after.closed)]).toEqual(Array(20).fill(200));
    expect([...after.open, ...after.closed].every((o) => o.headers.get('ratelimit-limit') !== null)).toBe(true);
    // The shared cache works again too.
    expect((await call(failOpen, 'cached after the outage')).headers.get('x-cache')).toBe('MISS');
    expect((await call(failOpen, 'cached after the outage')).headers.get('x-cache')).toBe('HIT');
    const client = new Redis(redis.url);
    try {
      // The restarted Redis is empty: these keys were written after the outage.
      const keys = await client.keys(`${prefix}*`);
      expect(keys).toContain(`${prefix}{rl}:global`);
      expect(keys.some((key) => key.startsWith(`${prefix}cache:{support}:`))).toBe(true);
    } finally {
      client.disconnect();
    }

    // Logged, not flooded: one warning per 10 s per layer, and a line when Redis is back.
    const lines = failOpen.output().split('\n');
    expect(lines.filter((l) => l.includes('rate limit store (redis) failed')).length).toBeGreaterThanOrEqual(1);
    expect(lines.filter((l) => l.includes('rate limit store (redis) failed')).length).toBeLessThanOrEqual(2);
    expect(lines.some((l) => l.includes(`redis at ${redis.url} is available again`))).toBe(true);
  });
});
