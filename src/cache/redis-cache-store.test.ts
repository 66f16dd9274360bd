import { describe, expect, it, vi } from 'vitest';
import { connectTestRedis, FakeClock } from '../../test/support/test-redis.js';
import { describeCacheStoreContract } from './cache-store.contract.js';
import { RedisCacheStore } from './redis-cache-store.js';

describeCacheStoreContract('redis', async () => {
  const redis = await connectTestRedis();
  const clock = new FakeClock();
  return { store: new RedisCacheStore({ client: redis.client, keyPrefix: redis.prefix, now: clock.now, commandTimeoutMs: 1000 }), clock, cleanup: () => redis.cleanup() };
});

const key = (agent: string, n: number) => ({ agent, hash: n.toString(16).padStart(64, '0') });

describe('RedisCacheStore', () => {
  it('gives every entry a Redis TTL and a hash-tagged key', async () => {
    const redis = await connectTestRedis();
    try {
      const store = new RedisCacheStore({ client: redis.client, keyPrefix: redis.prefix });
      await store.set(key('support', 1), 'v', 30_000);
      const entryKey = `${redis.prefix}cache:{support}:${key('support', 1).hash}`;
      expect(await redis.keys()).toEqual([entryKey]);
      const ttl = await redis.client.pttl(entryKey);
      expect(ttl).toBeGreaterThan(29_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
    } finally {
      await redis.cleanup();
    }
  });

  it('invalidates an agent with one counter, without scanning, and every client sees it at once', async () => {
    const redis = await connectTestRedis();
    const other = await connectTestRedis();
    try {
      const here = new RedisCacheStore({ client: redis.client, keyPrefix: redis.prefix });
      const there = new RedisCacheStore({ client: other.client, keyPrefix: redis.prefix });
      for (let i = 0; i < 3; i++) await here.set(key('support', i), `v${i}`, 60_000);
      expect(await there.get(key('support', 1))).toBe('v1');
      const commands: string[] = [];
      // The Redis is shared with other test runs: watch only the commands naming this test's keys.
      const monitor = await redis.client.monitor();
      monitor.on('monitor', (_time: string, args: string[]) => {
        if (args.some((arg) => String(arg).includes(redis.prefix))) commands.push(String(args[0]).toLowerCase());
      });
      await here.invalidateAgent('support');
      await vi.waitFor(() => expect(commands).toContain('incr'));
      monitor.disconnect();
      expect(commands).toEqual(['incr']);
      for (let i = 0; i < 3; i++) expect(await there.get(key('support', i))).toBeUndefined();
      await there.set(key('support', 1), 'new', 60_000);
      expect(await here.get(key('support', 1))).toBe('new');
    } finally {
      await redis.cleanup();
      other.client.disconnect();
    }
  });

  it('clears only its own prefix', async () => {
    const mine = await connectTestRedis();
    const theirs = await connectTestRedis();
    try {
      const store = new RedisCacheStore({ client: mine.client, keyPrefix: mine.prefix });
      const neighbour = new RedisCacheStore({ client: theirs.client, keyPrefix: theirs.prefix });
      await store.set(key('support', 1), 'mine', 60_000);
      await neighbour.set(key('support', 1), 'theirs', 60_000);
      await store.clear();
      expect(await store.get(key('support', 1))).toBeUndefined();
      expect(await neighbour.get(key('support', 1))).toBe('theirs');
    } finally {
      await mine.cleanup();
      await theirs.cleanup();
    }
  });
});
