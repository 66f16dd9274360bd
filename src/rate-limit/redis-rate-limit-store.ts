import type { Redis } from 'ioredis';
import { explainRedisError, withDeadline } from '../redis/with-deadline.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { TAKE_TOKENS_SCRIPT } from './take-tokens-script.js';
import type { TakeResult, TokenBucket } from './token-bucket.js';

/** The connection, key prefix and clock of a `RedisRateLimitStore`. */
export interface RedisRateLimitStoreOptions {
  readonly client: Redis;
  /** `redis.key_prefix`. */
  readonly keyPrefix: string;
  /** Epoch milliseconds. Absent (production): Redis's own `TIME`, one clock for every process. */
  readonly clock?: () => number;
  /** `redis.command_timeout_ms`: how long a check may wait for Redis before it fails. */
  readonly commandTimeoutMs?: number;
}

/**
 * Token buckets in Redis, shared by every gateway process: one Lua script checks and takes from
 * all of a request's buckets in one round trip, atomically, on Redis's clock.
 *
 * Keys are `<prefix>{rl}:<bucket>` (`ossa:{rl}:user:ada`, `ossa:{rl}:global`). The hash tag
 * `{rl}` puts every rate-limit key in one Redis Cluster slot: a multi-key script must, and
 * since every request touches the global bucket anyway, the node owning that slot sees every
 * check whatever the layout. Keys expire once their bucket would be full again.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly backend = 'redis' as const;

  constructor(private readonly options: RedisRateLimitStoreOptions) {}

  /** The Redis key of a logical bucket key. */
  redisKey(bucketKey: string): string {
    return `${this.options.keyPrefix}{rl}:${bucketKey}`;
  }

  async take(buckets: readonly TokenBucket[]): Promise<TakeResult> {
    const args: (string | number)[] = [this.options.clock ? String(this.options.clock()) : ''];
    for (const bucket of buckets) args.push(String(bucket.capacity), String(bucket.refillPerMs));
    const run = TAKE_TOKENS_SCRIPT.run(this.options.client, buckets.map((b) => this.redisKey(b.key)), args);
    const reply = this.options.commandTimeoutMs === undefined ? await run.catch((error: unknown) => Promise.reject(explainRedisError(error))) : await withDeadline(run, this.options.commandTimeoutMs);
    if (!Array.isArray(reply) || reply.length !== 1 + 3 * buckets.length) {
      throw new Error(`unexpected reply from the rate-limit script: ${JSON.stringify(reply)?.slice(0, 100)}`);
    }
    const numbers = reply.map(Number);
    return {
      allowed: numbers[0] === 1,
      buckets: buckets.map((_, i) => ({ remaining: numbers[1 + 3 * i]!, resetMs: numbers[2 + 3 * i]!, retryAfterMs: numbers[3 + 3 * i]! })),
    };
  }
}
