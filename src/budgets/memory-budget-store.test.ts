import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/test-redis.js';
import { describeBudgetStoreContract } from './budget-store.contract.js';
import { MemoryBudgetStore } from './memory-budget-store.js';

describeBudgetStoreContract('memory', async () => {
  const clock = new FakeClock();
  return { store: new MemoryBudgetStore({ now: clock.now }), clock, cleanup: async () => {} };
});

describe('MemoryBudgetStore', () => {
  it('drops the counters of ended windows, so memory is bounded by the windows in use', async () => {
    const clock = new FakeClock();
    const store = new MemoryBudgetStore({ now: clock.now });
    for (let i = 0; i < 100; i++) await store.reserve([{ key: `user:${i}:tokens:minute:1`, limit: 10, amount: 1, ttlMs: 61_000 }]);
    expect(store.size).toBe(100);
    clock.advance(61_000);
    await store.reserve([{ key: 'user:late:tokens:minute:2', limit: 10, amount: 1, ttlMs: 61_000 }]);
    expect(store.size).toBe(1);
  });
});
