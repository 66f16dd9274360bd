import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeClock } from '../../test/support/test-redis.js';
import type { CacheKey } from './cache-key.js';
import type { CacheStore } from './cache-store.js';

/** A store under test, on a clock the test moves. */
export interface CacheStoreFixture {
  readonly store: CacheStore;
  readonly clock: FakeClock;
  cleanup(): Promise<void>;
}

const hex = (n: number): string => n.toString(16).padStart(64, '0');
const key = (agent: string, n: number): CacheKey => ({ agent, hash: hex(n) });

/** The behaviour every `CacheStore` promises; memory, file and Redis run exactly these cases. */
export function describeCacheStoreContract(name: string, makeFixture: () => Promise<CacheStoreFixture>): void {
  describe(`CacheStore contract: ${name}`, () => {
    let fixture: CacheStoreFixture;
    beforeEach(async () => {
      fixture = await makeFixture();
    });
    afterEach(async () => {
      await fixture.store.close();
      await fixture.cleanup();
    });

    it('answers undefined for an entry never stored', async () => {
      expect(await fixture.store.get(key('support', 1))).toBeUndefined();
    });

    it('returns what was stored, byte for byte, under that agent and hash only', async () => {
      const value = JSON.stringify({ output: 'Grüße | 你好 | "quoted" \n next line', n: 1 });
      await fixture.store.set(key('support', 1), value, 60_000);
      expect(await fixture.store.get(key('support', 1))).toBe(value);
      expect(await fixture.store.get(key('support', 2))).toBeUndefined();
      expect(await fixture.store.get(key('billing', 1))).toBeUndefined();
    });

    it('replaces an entry stored again under the same key', async () => {
      await fixture.store.set(key('support', 1), 'first', 60_000);
      await fixture.store.set(key('support', 1), 'second', 60_000);
      expect(await fixture.store.get(key('support', 1))).toBe('second');
    });

    it('forgets an entry once its TTL has passed', async () => {
      await fixture.store.set(key('support', 1), 'short', 5_000);
      await fixture.store.set(key('support', 2), 'long', 60_000);
      fixture.clock.advance(4_999);
      expect(await fixture.store.get(key('support', 1))).toBe('short');
      fixture.clock.advance(1);
      expect(await fixture.store.get(key('support', 1))).toBeUndefined();
      expect(await fixture.store.get(key('support', 2))).toBe('long');
    });

    it('deletes one entry, saying whether it was there', async () => {
      await fixture.store.set(key('support', 1), 'a', 60_000);
      await fixture.store.set(key('support', 2), 'b', 60_000);
      expect(await fixture.store.delete(key('support', 1))).toBe(true);
      expect(await fixture.store.delete(key('support', 1))).toBe(false);
      expect(await fixture.store.get(key('support', 1))).toBeUndefined();
      expect(await fixture.store.get(key('support', 2))).toBe('b');
    });

    it('invalidates every entry of one agent, leaving the others, and caches that agent again afterwards', async () => {
      for (let i = 0; i < 5; i++) await fixture.store.set(key('support', i), `s${i}`, 60_000);
      await fixture.store.set(key('billing', 1), 'b1', 60_000);
      await fixture.store.invalidateAgent('support');
      for (let i = 0; i < 5; i++) expect(await fixture.store.get(key('support', i))).toBeUndefined();
      expect(await fixture.store.get(key('billing', 1))).toBe('b1');
      await fixture.store.set(key('support', 1), 'fresh', 60_000);
      expect(await fixture.store.get(key('support', 1))).toBe('fresh');
      await fixture.store.invalidateAgent('nobody-cached-this');
    });

    it("clears every agent's entries", async () => {
      await fixture.store.set(key('support', 1), 's1', 60_000);
      await fixture.store.set(key('billing', 1), 'b1', 60_000);
      await fixture.store.clear();
      expect(await fixture.store.get(key('support', 1))).toBeUndefined();
      expect(await fixture.store.get(key('billing', 1))).toBeUndefined();
      await fixture.store.set(key('support', 1), 'again', 60_000);
      expect(await fixture.store.get(key('support', 1))).toBe('again');
    });

    it('keeps concurrent writers and readers consistent', async () => {
      await Promise.all(Array.from({ length: 40 }, (_, i) => fixture.store.set(key(`agent-${i % 4}`, i), `v${i}`, 60_000)));
      const values = await Promise.all(Array.from({ length: 40 }, (_, i) => fixture.store.get(key(`agent-${i % 4}`, i))));
      expect(values).toEqual(Array.from({ length: 40 }, (_, i) => `v${i}`));
    });
  });
}
