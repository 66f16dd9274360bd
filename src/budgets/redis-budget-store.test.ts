import { describe, expect, it } from 'vitest';
import { connectTestRedis, FakeClock } from '../../test/support/test-redis.js';
import { describeBudgetStoreContract } from './budget-store.contract.js';
import { RedisBudgetStore } from './redis-budget-store.js';

describeBudgetStoreContract('redis', async () => {
  const redis = await connectTestRedis();
  return { store: new RedisBudgetStore({ client: redis.client, keyPrefix: redis.prefix, commandTimeoutMs: 1000 }), clock: new FakeClock(), cleanup: () => redis.cleanup() };
});

describe('RedisBudgetStore', () => {
  it('keeps each counter under a hash-tagged key that expires with its window', async () => {
    const redis = await connectTestRedis();
    try {
      const store = new RedisBudgetStore({ client: redis.client, keyPrefix: redis.prefix });
      await store.reserve([
        { key: 'agent:support:tokens:day:20424', limit: 1000, amount: 10, ttlMs: 3_600_000 },
        { key: 'user:ada:tokens:minute:29410000', limit: 100, amount: 10, ttlMs: 30_000 },
      ]);
      expect((await redis.keys()).sort()).toEqual([`${redis.prefix}{budget}:agent:support:tokens:day:20424`, `${redis.prefix}{budget}:user:ada:tokens:minute:29410000`]);
      const dayTtl = await redis.client.pttl(`${redis.prefix}{budget}:agent:support:tokens:day:20424`);
      expect(dayTtl).toBeGreaterThan(3_590_000);
      expect(dayTtl).toBeLessThanOrEqual(3_600_000);
      // A later, shorter TTL does not cut a counter's life short.
      await store.reserve([{ key: 'agent:support:tokens:day:20424', limit: 1000, amount: 10, ttlMs: 1000 }]);
      expect(await redis.client.pttl(`${redis.prefix}{budget}:agent:support:tokens:day:20424`)).toBeGreaterThan(3_590_000);
    } finally {
      await redis.cleanup();
    }
  });
});
