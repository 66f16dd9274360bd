import type { BudgetCharge, BudgetReading, BudgetSettlement, BudgetStore, ReserveResult } from './budget-store.js';

/** The clock of a `MemoryBudgetStore`. */
export interface MemoryBudgetStoreOptions {
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

interface Counter {
  spent: number;
  held: number;
  expiresAt: number;
}

/**
 * Budgets counted in this process: the default, for one gateway process. Each call is atomic
 * because it never awaits. A counter is dropped once its window has ended (its TTL), checked
 * when it is next touched and by a sweep at most once a minute.
 */
export class MemoryBudgetStore implements BudgetStore {
  readonly backend = 'memory' as const;
  private readonly counters = new Map<string, Counter>();
  private readonly now: () => number;
  private lastSweep: number;

  constructor(options: MemoryBudgetStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.lastSweep = this.now();
  }

  /** Counters held right now (for tests). */
  get size(): number {
    return this.counters.size;
  }

  async reserve(charges: readonly BudgetCharge[]): Promise<ReserveResult> {
    const now = this.now();
    if (now - this.lastSweep >= 60_000) this.sweep(now);
    const current = charges.map((charge) => this.live(charge.key, now));
    const allowed = charges.every((charge, i) => (current[i]?.spent ?? 0) + (current[i]?.held ?? 0) + charge.amount <= charge.limit);
    if (!allowed) return { allowed, readings: current.map(reading) };
    const readings = charges.map((charge, i) => {
      const counter = current[i] ?? { spent: 0, held: 0, expiresAt: 0 };
      counter.held += charge.amount;
      counter.expiresAt = Math.max(counter.expiresAt, now + charge.ttlMs);
      this.counters.set(charge.key, counter);
      return reading(counter);
    });
    return { allowed, readings };
  }

  async settle(settlements: readonly BudgetSettlement[]): Promise<readonly BudgetReading[]> {
    const now = this.now();
    return settlements.map((settlement) => {
      const counter = this.live(settlement.key, now);
      if (counter) {
        counter.held = Math.max(0, counter.held - settlement.held);
        counter.spent += settlement.spent;
      }
      return reading(counter);
    });
  }

  async read(keys: readonly string[]): Promise<readonly BudgetReading[]> {
    const now = this.now();
    return keys.map((key) => reading(this.live(key, now)));
  }

  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter && counter.expiresAt <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, counter] of this.counters) if (counter.expiresAt <= now) this.counters.delete(key);
  }
}

function reading(counter: Counter | undefined): BudgetReading {
  return { spent: counter?.spent ?? 0, held: counter?.held ?? 0 };
}
