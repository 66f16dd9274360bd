import type { CacheKey } from './cache-key.js';
import type { CacheStore, EvictionListener } from './cache-store.js';

/** The bounds of a `MemoryCacheStore`. */
export interface MemoryCacheStoreOptions {
  /** `cache.max_entries`. */
  readonly maxEntries: number;
  /** `cache.max_bytes`: the UTF-8 size of the stored values. */
  readonly maxBytes: number;
  readonly now?: () => number;
  readonly onEviction?: EvictionListener;
}

interface Entry {
  readonly agent: string;
  readonly value: string;
  readonly bytes: number;
  readonly expiresAt: number;
}

/**
 * An LRU cache in this process, bounded by entries and by bytes: the default store. A read
 * makes an entry the most recently used; when either bound is passed, the least recently used
 * entries go first. A value larger than the whole byte budget is not stored.
 */
export class MemoryCacheStore implements CacheStore {
  readonly backend = 'memory' as const;
  // A Map iterates in insertion order: re-inserting on read keeps the least recently used first.
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly now: () => number;

  constructor(private readonly options: MemoryCacheStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Entries and bytes held right now. */
  get usage(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  async get(key: CacheKey): Promise<string | undefined> {
    const id = entryId(key);
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.remove(id, entry);
    if (entry.expiresAt <= this.now()) {
      this.options.onEviction?.(1, 'expired');
      return undefined;
    }
    this.entries.set(id, entry);
    this.bytes += entry.bytes;
    return entry.value;
  }

  async set(key: CacheKey, value: string, ttlMs: number): Promise<void> {
    const id = entryId(key);
    const existing = this.entries.get(id);
    if (existing) this.remove(id, existing);
    const bytes = Buffer.byteLength(value);
    if (bytes > this.options.maxBytes) return;
    this.entries.set(id, { agent: key.agent, value, bytes, expiresAt: this.now() + ttlMs });
    this.bytes += bytes;
    this.evict('entries', () => this.entries.size > this.options.maxEntries);
    this.evict('bytes', () => this.bytes > this.options.maxBytes);
  }

  async delete(key: CacheKey): Promise<boolean> {
    const id = entryId(key);
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.remove(id, entry);
    return true;
  }

  async invalidateAgent(agent: string): Promise<void> {
    for (const [id, entry] of this.entries) if (entry.agent === agent) this.remove(id, entry);
  }

  async clear(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
  }

  async close(): Promise<void> {}

  private evict(reason: 'entries' | 'bytes', over: () => boolean): void {
    let count = 0;
    for (const [id, entry] of this.entries) {
      if (!over()) break;
      this.remove(id, entry);
      count++;
    }
    if (count > 0) this.options.onEviction?.(count, reason);
  }

  private remove(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }
}

function entryId(key: CacheKey): string {
  return `${key.agent}\u0000${key.hash}`;
}
