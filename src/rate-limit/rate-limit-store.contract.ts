import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeClock } from '../../test/support/test-redis.js';
import type { RateLimitStore } from './rate-limit-store.js';
import type { TokenBucket } from './token-bucket.js';

/** A store under test, on a clock the test moves. */
export interface RateLimitStoreFixture {
  readonly store: RateLimitStore;
  readonly clock: FakeClock;
  cleanup(): Promise<void>;
}

/** `capacity` tokens, refilled at `perSecond` tokens a second. */
function bucket(key: string, capacity: number, perSecond: number): TokenBucket {
  return { key, capacity, refillPerMs: perSecond / 1000 };
}

/**
 * The behaviour every `RateLimitStore` promises, run against each implementation (memory and
 * Redis run exactly these cases).
 */
export function describeRateLimitStoreContract(name: string, makeFixture: () => Promise<RateLimitStoreFixture>): void {
  describe(`RateLimitStore contract: ${name}`, () => {
    let fixture: RateLimitStoreFixture;
    beforeEach(async () => {
      fixture = await makeFixture();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it("admits a full bucket's capacity, counting down, then rejects", async () => {
      const b = bucket('user:ada', 3, 0.001);
      const remaining: number[] = [];
      for (let i = 0; i < 3; i++) {
        const result = await fixture.store.take([b]);
        expect(result.allowed).toBe(true);
        remaining.push(result.buckets[0]!.remaining);
      }
      expect(remaining).toEqual([2, 1, 0]);
      const rejected = await fixture.store.take([b]);
      expect(rejected.allowed).toBe(false);
      expect(rejected.buckets[0]!.remaining).toBe(0);
      expect(rejected.buckets[0]!.retryAfterMs).toBeGreaterThan(0);
    });

    it('refills continuously: one token per 1/rate, never above capacity', async () => {
      const b = bucket('user:ada', 2, 1); // one token a second
      await fixture.store.take([b]);
      await fixture.store.take([b]);
      const empty = await fixture.store.take([b]);
      expect(empty.allowed).toBe(false);
      expect(empty.buckets[0]!.retryAfterMs).toBe(1000);
      fixture.clock.advance(999);
      const almost = await fixture.store.take([b]);
      expect(almost.allowed).toBe(false);
      expect(almost.buckets[0]!.retryAfterMs).toBe(1);
      fixture.clock.advance(1);
      expect((await fixture.store.take([b])).allowed).toBe(true);
      fixture.clock.advance(3_600_000);
      const full = await fixture.store.take([b]);
      expect(full.buckets[0]).toEqual({ remaining: 1, resetMs: 1000, retryAfterMs: 0 });
    });

    it('reports the time until the bucket is full again', async () => {
      const b = bucket('global', 100, 10); // 100 per 10 s
      const first = await fixture.store.take([b]);
      expect(first.buckets[0]).toEqual({ remaining: 99, resetMs: 100, retryAfterMs: 0 });
      for (let i = 0; i < 9; i++) await fixture.store.take([b]);
      fixture.clock.advance(50);
      const later = await fixture.store.take([b]);
      // 90 tokens + 0.5 refilled - 1 taken = 89.5: 89 whole tokens, 10.5 to go at 10/s.
      expect(later.buckets[0]).toEqual({ remaining: 89, resetMs: 1050, retryAfterMs: 0 });
    });

    it('admits only if every bucket has a token, and a rejection takes none', async () => {
      const user = bucket('user:ada', 1, 0.001);
      const other = bucket('user:bob', 5, 0.001);
      const global = bucket('global', 10, 0.001);
      expect((await fixture.store.take([user, global])).allowed).toBe(true);
      for (let i = 0; i < 5; i++) {
        const rejected = await fixture.store.take([user, global]);
        expect(rejected.allowed).toBe(false);
        expect(rejected.buckets.map((r) => r.remaining)).toEqual([0, 9]);
      }
      // Ada's five rejections did not drain the global bucket: Bob sees 9 taken to 8.
      const bob = await fixture.store.take([other, global]);
      expect(bob.allowed).toBe(true);
      expect(bob.buckets.map((r) => r.remaining)).toEqual([4, 8]);
    });

    it('keeps buckets with different keys apart', async () => {
      await fixture.store.take([bucket('user:ada', 1, 0.001)]);
      expect((await fixture.store.take([bucket('user:ada', 1, 0.001)])).allowed).toBe(false);
      expect((await fixture.store.take([bucket('user:bob', 1, 0.001)])).allowed).toBe(true);
      expect((await fixture.store.take([bucket('agent:support', 1, 0.001)])).allowed).toBe(true);
    });

    it('admits exactly the capacity under concurrent checks', async () => {
      const global = bucket('global', 20, 0.001);
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => fixture.store.take([bucket(`user:u${i % 7}`, 100, 0.001), global])));
      expect(results.filter((r) => r.allowed)).toHaveLength(20);
      const remaining = results.filter((r) => r.allowed).map((r) => r.buckets[1]!.remaining).sort((a, b) => a - b);
      expect(remaining).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });
  });
}
