import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/test-redis.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import { describeRateLimitStoreContract } from './rate-limit-store.contract.js';

describeRateLimitStoreContract('memory', async () => {
  const clock = new FakeClock();
  return { store: new MemoryRateLimitStore({ now: clock.now }), clock, cleanup: async () => {} };
});

describe('MemoryRateLimitStore', () => {
  it('forgets buckets that have refilled, so idle users cost no memory', async () => {
    const clock = new FakeClock();
    const store = new MemoryRateLimitStore({ now: clock.now, sweepIntervalMs: 60_000 });
    for (let i = 0; i < 100; i++) await store.take([{ key: `user:${i}`, capacity: 10, refillPerMs: 10 / 60_000 }]);
    expect(store.size).toBe(100);
    clock.advance(60_000);
    await store.take([{ key: 'user:late', capacity: 10, refillPerMs: 10 / 60_000 }]);
    expect(store.size).toBe(1);
  });
});
