import type { Redis } from 'ioredis';
import { RedisScript } from '../redis/redis-script.js';
import { explainRedisError, withDeadline } from '../redis/with-deadline.js';
import type { CacheKey } from './cache-key.js';
import type { CacheStore } from './cache-store.js';

/** The connection and key prefix of a `RedisCacheStore`. */
export interface RedisCacheStoreOptions {
  readonly client: Redis;
  /** `redis.key_prefix`. */
  readonly keyPrefix: string;
  /** Epoch milliseconds, for the expiry written into each entry; Redis's own TTL is the hard bound. */
  readonly now?: () => number;
  /** `redis.command_timeout_ms`: how long a lookup or a write may wait for Redis before it fails. */
  readonly commandTimeoutMs?: number;
}

/*
 * Entries are `<prefix>cache:{<agent>}:<hash>` = `<generation>|<expires at>|<value>`, with a
 * Redis TTL; the agent's generation is `<prefix>cache:{<agent>}:gen`. Invalidating an agent
 * increments its generation: one command, no scan, and every process stops reading the old
 * entries at once (they expire by their TTL). The hash tag `{<agent>}` keeps an agent's entries
 * and its generation in one Cluster slot, so each script below declares both of its keys, and
 * different agents spread over the cluster.
 */

/** KEYS: generation, entry. Returns `<expires at>|<value>` when the entry is of the current generation. */
const GET_SCRIPT = new RedisScript(`
local entry = redis.call('GET', KEYS[2])
if not entry then return false end
local generation = redis.call('GET', KEYS[1]) or '0'
local sep = string.find(entry, '|', 1, true)
if not sep or string.sub(entry, 1, sep - 1) ~= generation then return false end
return string.sub(entry, sep + 1)
`);

/** KEYS: generation, entry. ARGV: ttl ms, `<expires at>|<value>`. */
const SET_SCRIPT = new RedisScript(`
local generation = redis.call('GET', KEYS[1]) or '0'
redis.call('SET', KEYS[2], generation .. '|' .. ARGV[2], 'PX', ARGV[1])
return 1
`);

/**
 * Cached responses in Redis, shared by every gateway process: a response cached through one
 * process is a hit on all of them, and an invalidation through one is seen by all.
 */
export class RedisCacheStore implements CacheStore {
  readonly backend = 'redis' as const;
  private readonly now: () => number;

  constructor(private readonly options: RedisCacheStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  async get(key: CacheKey): Promise<string | undefined> {
    const reply = await this.send(GET_SCRIPT.run(this.options.client, [this.generationKey(key.agent), this.entryKey(key)], []));
    if (typeof reply !== 'string') return undefined;
    const sep = reply.indexOf('|');
    // Redis's TTL removes the entry; this check only matters on a clock that is not Redis's (tests).
    if (sep < 0 || Number(reply.slice(0, sep)) <= this.now()) return undefined;
    return reply.slice(sep + 1);
  }

  async set(key: CacheKey, value: string, ttlMs: number): Promise<void> {
    const ttl = Math.max(1, Math.round(ttlMs));
    await this.send(SET_SCRIPT.run(this.options.client, [this.generationKey(key.agent), this.entryKey(key)], [ttl, `${this.now() + ttl}|${value}`]));
  }

  async delete(key: CacheKey): Promise<boolean> {
    return (await this.send(this.options.client.del(this.entryKey(key)))) > 0;
  }

  async invalidateAgent(agent: string): Promise<void> {
    await this.send(this.options.client.incr(this.generationKey(agent)));
  }

  /** Deletes every cache key under the prefix (a scan: this is the rare, operator-driven case). */
  async clear(): Promise<void> {
    const { client, keyPrefix } = this.options;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(keyPrefix)}cache:*`, 'COUNT', 1000).catch((error: unknown) => Promise.reject(explainRedisError(error)));
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  }

  async close(): Promise<void> {}

  private send<T>(command: Promise<T>): Promise<T> {
    if (this.options.commandTimeoutMs !== undefined) return withDeadline(command, this.options.commandTimeoutMs);
    return command.catch((error: unknown) => Promise.reject(explainRedisError(error)));
  }

  entryKey(key: CacheKey): string {
    return `${this.options.keyPrefix}cache:{${key.agent}}:${key.hash}`;
  }

  generationKey(agent: string): string {
    return `${this.options.keyPrefix}cache:{${agent}}:gen`;
  }
}

/** A literal prefix inside a SCAN MATCH pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
