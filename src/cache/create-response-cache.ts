import type { Logger } from 'pino';
import type { AuditRecorder } from '../audit/audit-log.js';
import type { CacheConfig, OssaConfig } from '../config/ossa-config.js';
import type { AgentRoute } from '../executor/agent-route.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import type { CacheStore, EvictionListener } from './cache-store.js';
import { FileCacheStore } from './file-cache-store.js';
import { MemoryCacheStore } from './memory-cache-store.js';
import { RedisCacheStore } from './redis-cache-store.js';
import { ResponseCache } from './response-cache.js';

/** The store `cache.storage` names; `redis` needs the gateway's connection. */
export function createCacheStore(config: CacheConfig, deps: { readonly redis?: RedisConnection; readonly onEviction?: EvictionListener }): CacheStore {
  const onEviction = deps.onEviction ? { onEviction: deps.onEviction } : {};
  switch (config.storage) {
    case 'memory':
      return new MemoryCacheStore({ maxEntries: config.max_entries, maxBytes: config.max_bytes, ...onEviction });
    case 'file':
      return new FileCacheStore({ dir: config.path, ...onEviction });
    case 'redis':
      if (!deps.redis) throw new Error('cache.storage is redis but no Redis connection was made (set redis.url)');
      return new RedisCacheStore({ client: deps.redis.client, keyPrefix: deps.redis.keyPrefix, commandTimeoutMs: deps.redis.commandTimeoutMs });
    default: {
      const unknown: never = config.storage;
      throw new Error(`unknown cache.storage ${String(unknown)}`);
    }
  }
}

/** The parts of the gateway the response cache is built from. */
export interface ResponseCacheDependencies {
  readonly routes: ReadonlyMap<string, AgentRoute>;
  readonly events: EventDispatcher;
  readonly logger: Logger;
  readonly redis?: RedisConnection;
  /** The audit log, for `cache_hit` records; absent with `security.audit_logging: false`. */
  readonly audit?: AuditRecorder;
}

/** The `ResponseCache` on the store `cache.storage` names, or undefined when `cache.enabled` is false. */
export function createResponseCache(config: OssaConfig, deps: ResponseCacheDependencies): ResponseCache | undefined {
  if (!config.cache.enabled) return undefined;
  const store = createCacheStore(config.cache, {
    ...(deps.redis ? { redis: deps.redis } : {}),
    onEviction: (count, reason) => deps.events.dispatch({ type: 'cache.eviction', count, reason }),
  });
  return new ResponseCache({
    routes: deps.routes,
    store,
    defaultTtlSeconds: config.cache.response_ttl,
    agents: config.agents,
    scope: config.cache.scope,
    ...(deps.audit ? { audit: deps.audit, auditContent: config.security.audit.include_content } : {}),
    events: deps.events,
    logger: deps.logger,
  });
}
