/**
 * Token buckets, as both stores compute them: a bucket holds at most `capacity` tokens, gains
 * `refillPerMs` tokens every millisecond (continuously, not in steps), and an admitted request
 * takes one token from every bucket that applies to it.
 */

/** One bucket to check: a logical key (`user:ada`, `global`, `agent:support`) and its shape. */
export interface TokenBucket {
  readonly key: string;
  readonly capacity: number;
  readonly refillPerMs: number;
}

/** A bucket after the check. */
export interface BucketReading {
  /** Whole tokens left (after this request's token, when admitted). */
  readonly remaining: number;
  /** Milliseconds until the bucket is full again. */
  readonly resetMs: number;
  /** Milliseconds until the bucket has one token; 0 when it has one now. */
  readonly retryAfterMs: number;
}

/** The outcome of one atomic check: admitted only if every bucket had a token; a rejection takes none. */
export interface TakeResult {
  readonly allowed: boolean;
  /** In the order the buckets were given. */
  readonly buckets: readonly BucketReading[];
}

/** Stored state; a missing state is a full bucket. */
export interface BucketState {
  readonly tokens: number;
  readonly updatedAt: number;
}

/** Rounded to a millionth of a token, so repeated refills do not drift (the Lua script does the same). */
function round(tokens: number): number {
  return Math.round(tokens * 1e6) / 1e6;
}

/** Tokens in the bucket at `now`. */
export function tokensAt(state: BucketState | undefined, bucket: TokenBucket, now: number): number {
  if (state === undefined) return bucket.capacity;
  const elapsed = Math.max(0, now - state.updatedAt);
  return Math.min(bucket.capacity, round(state.tokens + elapsed * bucket.refillPerMs));
}

/** Whole milliseconds, rounded up, ignoring float dust (0.999 tokens at 1/ms is 1 ms, not 2). */
function ceilMs(ms: number): number {
  return Math.ceil(ms - 1e-6);
}

/** What a client is told about a bucket holding `tokens`. */
export function readBucket(tokens: number, bucket: TokenBucket): BucketReading {
  return {
    remaining: Math.max(0, Math.floor(tokens)),
    resetMs: tokens >= bucket.capacity ? 0 : ceilMs((bucket.capacity - tokens) / bucket.refillPerMs),
    retryAfterMs: tokens >= 1 ? 0 : ceilMs((1 - tokens) / bucket.refillPerMs),
  };
}
