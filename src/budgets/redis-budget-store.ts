import type { Redis } from 'ioredis';
import { explainRedisError, withDeadline } from '../redis/with-deadline.js';
import { RESERVE_BUDGET_SCRIPT, SETTLE_BUDGET_SCRIPT } from './budget-scripts.js';
import type { BudgetCharge, BudgetReading, BudgetSettlement, BudgetStore, ReserveResult } from './budget-store.js';

/** The connection and key prefix of a `RedisBudgetStore`. */
export interface RedisBudgetStoreOptions {
  readonly client: Redis;
  /** `redis.key_prefix`. */
  readonly keyPrefix: string;
  /** `redis.command_timeout_ms`: how long a call may wait for Redis before it fails. */
  readonly commandTimeoutMs?: number;
}

/**
 * Budgets counted in Redis, shared by every gateway process: a Lua script checks and holds all
 * of a request's counters in one atomic round trip, another settles them.
 *
 * Keys are `<prefix>{budget}:<counter>` (`ossa:{budget}:agent:support:tokens:day:20424`). The
 * hash tag puts every counter in one Redis Cluster slot, as a multi-key script needs. A counter
 * expires once its window has ended (plus a margin), so old windows cost nothing.
 */
export class RedisBudgetStore implements BudgetStore {
  readonly backend = 'redis' as const;

  constructor(private readonly options: RedisBudgetStoreOptions) {}

  /** The Redis key of a counter. */
  redisKey(key: string): string {
    return `${this.options.keyPrefix}{budget}:${key}`;
  }

  async reserve(charges: readonly BudgetCharge[]): Promise<ReserveResult> {
    const args = charges.flatMap((c) => [String(c.limit), String(c.amount), String(Math.max(1, Math.ceil(c.ttlMs)))]);
    const reply = await this.call(RESERVE_BUDGET_SCRIPT.run(this.options.client, charges.map((c) => this.redisKey(c.key)), args));
    if (!Array.isArray(reply) || reply.length !== 1 + 2 * charges.length) {
      throw new Error(`unexpected reply from the budget script: ${JSON.stringify(reply)?.slice(0, 100)}`);
    }
    const numbers = reply.map(Number);
    return { allowed: numbers[0] === 1, readings: charges.map((_, i) => ({ spent: numbers[1 + 2 * i]!, held: numbers[2 + 2 * i]! })) };
  }

  async settle(settlements: readonly BudgetSettlement[]): Promise<readonly BudgetReading[]> {
    if (settlements.length === 0) return [];
    const args = settlements.flatMap((s) => [String(s.held), String(s.spent), String(Math.max(1, Math.ceil(s.ttlMs)))]);
    const reply = await this.call(SETTLE_BUDGET_SCRIPT.run(this.options.client, settlements.map((s) => this.redisKey(s.key)), args));
    if (!Array.isArray(reply) || reply.length !== 2 * settlements.length) {
      throw new Error(`unexpected reply from the budget settle script: ${JSON.stringify(reply)?.slice(0, 100)}`);
    }
    const numbers = reply.map(Number);
    return settlements.map((_, i) => ({ spent: numbers[2 * i]!, held: numbers[2 * i + 1]! }));
  }

  async read(keys: readonly string[]): Promise<readonly BudgetReading[]> {
    if (keys.length === 0) return [];
    const pipeline = this.options.client.pipeline();
    for (const key of keys) pipeline.hmget(this.redisKey(key), 's', 'h');
    const replies = await this.call(pipeline.exec());
    return keys.map((_, i) => {
      const [error, values] = replies?.[i] ?? [new Error('no reply')];
      if (error) throw error;
      const [spent, held] = values as (string | null)[];
      return { spent: Number(spent ?? 0), held: Number(held ?? 0) };
    });
  }

  private call<T>(run: Promise<T>): Promise<T> {
    return this.options.commandTimeoutMs === undefined ? run.catch((error: unknown) => Promise.reject(explainRedisError(error))) : withDeadline(run, this.options.commandTimeoutMs);
  }
}
