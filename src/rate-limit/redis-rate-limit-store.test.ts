import { describe, expect, it } from 'vitest';
import { connectTestRedis, FakeClock } from '../../test/support/test-redis.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';
import { describeRateLimitStoreContract } from './rate-limit-store.contract.js';

describeRateLimitStoreContract('redis', async () => {
  const redis = await connectTestRedis();
  const clock = new FakeClock();
  return { store: new RedisRateLimitStore({ client: redis.client, keyPrefix: redis.prefix, clock: clock.now, commandTimeoutMs: 1000 }), clock, cleanup: () => redis.cleanup() };
});

describe('RedisRateLimitStore', () => {
  it("uses Redis's own clock when none is given", async () => {
    const redis = await connectTestRedis();
    try {
      const store = new RedisRateLimitStore({ client: redis.client, keyPrefix: redis.prefix });
      const hourly = { key: 'global', capacity: 3, refillPerMs: 3 / 3_600_000 };
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await store.take([hourly]));
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
      // About 20 minutes until the next token, about an hour until full: whatever the machine's clock says.
      expect(results[3]!.buckets[0]!.retryAfterMs).toBeGreaterThan(1_190_000);
      expect(results[3]!.buckets[0]!.retryAfterMs).toBeLessThanOrEqual(1_200_000);
      expect(results[3]!.buckets[0]!.resetMs).toBeGreaterThan(3_590_000);
    } finally {
      await redis.cleanup();
    }
  });

  it('stores each bucket under a hash-tagged key that expires once it would be full again', async () => {
    const redis = await connectTestRedis();
    try {
      const store = new RedisRateLimitStore({ client: redis.client, keyPrefix: redis.prefix });
      await store.take([
        { key: 'user:ada', capacity: 10, refillPerMs: 10 / 60_000 },
        { key: 'global', capacity: 100, refillPerMs: 100 / 3_600_000 },
      ]);
      expect((await redis.keys()).sort()).toEqual([`${redis.prefix}{rl}:global`, `${redis.prefix}{rl}:user:ada`]);
      // One token short of full: 6 s (user) and 36 s (global) to refill, plus a second.
      const userTtl = await redis.client.pttl(`${redis.prefix}{rl}:user:ada`);
      const globalTtl = await redis.client.pttl(`${redis.prefix}{rl}:global`);
      expect(userTtl).toBeGreaterThan(6_000);
      expect(userTtl).toBeLessThanOrEqual(7_000);
      expect(globalTtl).toBeGreaterThan(36_000);
      expect(globalTtl).toBeLessThanOrEqual(37_000);
      // All keys of one check hash to one cluster slot (the multi-key script needs it).
      const slots = await Promise.all((await redis.keys()).map((key) => redis.client.call('CLUSTER', 'KEYSLOT', key).catch(() => null)));
      if (slots.every((slot) => slot !== null)) expect(new Set(slots).size).toBe(1);
    } finally {
      await redis.cleanup();
    }
  });
});
