import type { TakeResult, TokenBucket } from './token-bucket.js';

/**
 * Where token buckets live: in this process (`memory`) or in Redis, shared by every gateway
 * process (`redis`). One call checks every bucket that applies to a request atomically.
 */
export interface RateLimitStore {
  readonly backend: 'memory' | 'redis';
  /**
   * Takes one token from each bucket if every bucket has one; otherwise takes none. Rejects
   * (throws) only when the store itself cannot answer.
   */
  take(buckets: readonly TokenBucket[]): Promise<TakeResult>;
}
