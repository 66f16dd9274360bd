import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/test-redis.js';
import { describeCacheStoreContract } from './cache-store.contract.js';
import { MemoryCacheStore } from './memory-cache-store.js';

describeCacheStoreContract('memory', async () => {
  const clock = new FakeClock();
  return { store: new MemoryCacheStore({ maxEntries: 1000, maxBytes: 1_000_000, now: clock.now }), clock, cleanup: async () => {} };
});

const key = (n: number) => ({ agent: 'support', hash: String(n) });

describe('MemoryCacheStore', () => {
  it('evicts the least recently used entries beyond max_entries, reporting how many', async () => {
    const evictions: [number, string][] = [];
    const store = new MemoryCacheStore({ maxEntries: 3, maxBytes: 1_000_000, onEviction: (count, reason) => void evictions.push([count, reason]) });
    for (let i = 1; i <= 3; i++) await store.set(key(i), `v${i}`, 60_000);
    await store.get(key(1)); // 1 is now the most recently used; 2 is the oldest
    await store.set(key(4), 'v4', 60_000);
    expect(await store.get(key(2))).toBeUndefined();
    expect(await Promise.all([1, 3, 4].map((i) => store.get(key(i))))).toEqual(['v1', 'v3', 'v4']);
    expect(evictions).toEqual([[1, 'entries']]);
  });

  it('evicts beyond max_bytes, and never stores a value larger than the whole budget', async () => {
    const evictions: [number, string][] = [];
    const store = new MemoryCacheStore({ maxEntries: 100, maxBytes: 10, onEviction: (count, reason) => void evictions.push([count, reason]) });
    await store.set(key(1), 'aaaa', 60_000);
    await store.set(key(2), 'bbbb', 60_000);
    await store.set(key(3), 'éééé', 60_000); // 8 bytes in UTF-8: both older entries must go
    expect(store.usage).toEqual({ entries: 1, bytes: 8 });
    expect(evictions).toEqual([[2, 'bytes']]);
    await store.set(key(4), 'x'.repeat(11), 60_000);
    expect(await store.get(key(4))).toBeUndefined();
    expect(await store.get(key(3))).toBe('éééé');
  });

  it('reports entries found expired', async () => {
    const clock = new FakeClock();
    const evictions: [number, string][] = [];
    const store = new MemoryCacheStore({ maxEntries: 10, maxBytes: 1000, now: clock.now, onEviction: (count, reason) => void evictions.push([count, reason]) });
    await store.set(key(1), 'v', 1000);
    clock.advance(1000);
    expect(await store.get(key(1))).toBeUndefined();
    expect(evictions).toEqual([[1, 'expired']]);
    expect(store.usage).toEqual({ entries: 0, bytes: 0 });
  });
});
