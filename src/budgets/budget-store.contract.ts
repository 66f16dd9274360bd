import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeClock } from '../../test/support/test-redis.js';
import type { BudgetCharge, BudgetStore } from './budget-store.js';

/** A store under test, on a clock the test moves (the memory store's expiry; Redis expires on its own). */
export interface BudgetStoreFixture {
  readonly store: BudgetStore;
  readonly clock: FakeClock;
  cleanup(): Promise<void>;
}

const charge = (key: string, limit: number, amount: number, ttlMs = 60_000): BudgetCharge => ({ key, limit, amount, ttlMs });

/**
 * The behaviour every `BudgetStore` promises, run against each implementation (memory and
 * Redis run exactly these cases).
 */
export function describeBudgetStoreContract(name: string, makeFixture: () => Promise<BudgetStoreFixture>): void {
  describe(`BudgetStore contract: ${name}`, () => {
    let fixture: BudgetStoreFixture;
    beforeEach(async () => {
      fixture = await makeFixture();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('holds reservations up to the limit, then refuses one that does not fit, holding nothing for it', async () => {
      const { store } = fixture;
      expect(await store.reserve([charge('agent:a:tokens:day:1', 1000, 400)])).toEqual({ allowed: true, readings: [{ spent: 0, held: 400 }] });
      expect(await store.reserve([charge('agent:a:tokens:day:1', 1000, 600)])).toEqual({ allowed: true, readings: [{ spent: 0, held: 1000 }] });
      expect(await store.reserve([charge('agent:a:tokens:day:1', 1000, 1)])).toEqual({ allowed: false, readings: [{ spent: 0, held: 1000 }] });
      expect(await store.read(['agent:a:tokens:day:1'])).toEqual([{ spent: 0, held: 1000 }]);
    });

    it('settles a reservation with the real usage, so the rest is free again', async () => {
      const { store } = fixture;
      await store.reserve([charge('user:ada:tokens:day:1', 100, 80)]);
      expect(await store.settle([{ key: 'user:ada:tokens:day:1', held: 80, spent: 30, ttlMs: 60_000 }])).toEqual([{ spent: 30, held: 0 }]);
      expect(await store.read(['user:ada:tokens:day:1'])).toEqual([{ spent: 30, held: 0 }]);
      expect((await store.reserve([charge('user:ada:tokens:day:1', 100, 70)])).allowed).toBe(true);
      expect((await store.reserve([charge('user:ada:tokens:day:1', 100, 1)])).allowed).toBe(false);
    });

    it('refunds a reservation that spent nothing', async () => {
      const { store } = fixture;
      await store.reserve([charge('global:tokens:minute:9', 50, 50)]);
      await store.settle([{ key: 'global:tokens:minute:9', held: 50, spent: 0, ttlMs: 60_000 }]);
      expect(await store.read(['global:tokens:minute:9'])).toEqual([{ spent: 0, held: 0 }]);
    });

    it('holds every counter of a request or none: a full one refuses the request without touching the others', async () => {
      const { store } = fixture;
      await store.reserve([charge('user:ada:tokens:day:1', 100, 100)]);
      const refused = await store.reserve([charge('agent:a:tokens:day:1', 1000, 10), charge('user:ada:tokens:day:1', 100, 10)]);
      expect(refused).toEqual({ allowed: false, readings: [{ spent: 0, held: 0 }, { spent: 0, held: 100 }] });
      expect(await store.read(['agent:a:tokens:day:1', 'user:bob:tokens:day:1'])).toEqual([{ spent: 0, held: 0 }, { spent: 0, held: 0 }]);
    });

    it('counts a settlement above the reservation in full (the real usage is what was spent)', async () => {
      const { store } = fixture;
      await store.reserve([charge('agent:a:cost:day:1', 1000, 100)]);
      await store.settle([{ key: 'agent:a:cost:day:1', held: 100, spent: 130, ttlMs: 60_000 }]);
      expect(await store.read(['agent:a:cost:day:1'])).toEqual([{ spent: 130, held: 0 }]);
    });

    it('never holds more than the limit under concurrent reservations', async () => {
      const { store } = fixture;
      const results = await Promise.all(Array.from({ length: 40 }, () => store.reserve([charge('global:tokens:day:1', 1000, 110)])));
      expect(results.filter((r) => r.allowed)).toHaveLength(9);
      expect(await store.read(['global:tokens:day:1'])).toEqual([{ spent: 0, held: 990 }]);
    });

    it('forgets a counter once its window has ended, and does not revive it by a late settlement', async () => {
      const { store, clock } = fixture;
      await store.reserve([charge('agent:a:tokens:minute:1', 100, 100, 50)]);
      clock.advance(60);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(await store.read(['agent:a:tokens:minute:1'])).toEqual([{ spent: 0, held: 0 }]);
      expect(await store.settle([{ key: 'agent:a:tokens:minute:1', held: 100, spent: 40, ttlMs: 50 }])).toEqual([{ spent: 0, held: 0 }]);
      expect(await store.read(['agent:a:tokens:minute:1'])).toEqual([{ spent: 0, held: 0 }]);
    });
  });
}
