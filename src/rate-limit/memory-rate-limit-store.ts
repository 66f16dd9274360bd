import type { RateLimitStore } from './rate-limit-store.js';
import { readBucket, tokensAt, type BucketState, type TakeResult, type TokenBucket } from './token-bucket.js';

/** The clock and housekeeping of a `MemoryRateLimitStore`. */
export interface MemoryRateLimitStoreOptions {
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
  /** How often full buckets are forgotten (a full bucket is the same as none). Default 60 s. */
  readonly sweepIntervalMs?: number;
}

interface StoredBucket extends BucketState {
  /** When the bucket is full again and its state can be dropped. */
  readonly fullAt: number;
}

/**
 * Token buckets in this process: the default, for one gateway process. The check is atomic
 * because it never awaits. Memory stays bounded by the users active within one interval: a
 * bucket that has refilled to full is forgotten by the next sweep.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly backend = 'memory' as const;
  private readonly buckets = new Map<string, StoredBucket>();
  private readonly now: () => number;
  private readonly sweepIntervalMs: number;
  private lastSweep: number;

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    this.lastSweep = this.now();
  }

  /** Buckets held right now (for tests and the status page). */
  get size(): number {
    return this.buckets.size;
  }

  async take(buckets: readonly TokenBucket[]): Promise<TakeResult> {
    const now = this.now();
    if (now - this.lastSweep >= this.sweepIntervalMs) this.sweep(now);
    const levels = buckets.map((bucket) => tokensAt(this.buckets.get(bucket.key), bucket, now));
    const allowed = levels.every((tokens) => tokens >= 1);
    const after = allowed ? levels.map((tokens) => tokens - 1) : levels;
    if (allowed) {
      buckets.forEach((bucket, i) => {
        const tokens = after[i]!;
        this.buckets.set(bucket.key, { tokens, updatedAt: now, fullAt: now + (bucket.capacity - tokens) / bucket.refillPerMs });
      });
    }
    return { allowed, buckets: buckets.map((bucket, i) => readBucket(after[i]!, bucket)) };
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, state] of this.buckets) if (state.fullAt <= now) this.buckets.delete(key);
  }
}
