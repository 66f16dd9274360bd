import type { CacheEvictionEvent } from '../events/gateway-events.js';
import type { CacheKey } from './cache-key.js';

/** Told how many entries left a store before their TTL, and why. */
export type EvictionListener = (count: number, reason: CacheEvictionEvent['reason']) => void;

/**
 * Where cached responses live: this process (`memory`), a directory (`file`), or Redis,
 * shared by every gateway process (`redis`). Values are opaque strings with a TTL; entries
 * are grouped by agent so one agent can be invalidated without touching the others.
 * Methods reject only when the store itself fails.
 */
export interface CacheStore {
  readonly backend: 'memory' | 'file' | 'redis';
  /** The value, or undefined when absent or expired. */
  get(key: CacheKey): Promise<string | undefined>;
  set(key: CacheKey, value: string, ttlMs: number): Promise<void>;
  /** True when an entry was there. */
  delete(key: CacheKey): Promise<boolean>;
  /** Every entry of the agent is gone for every reader, at once. */
  invalidateAgent(agent: string): Promise<void>;
  clear(): Promise<void>;
  /** Stops timers; the shared Redis connection is closed by its owner. */
  close(): Promise<void>;
}
