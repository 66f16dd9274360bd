import type { Logger } from 'pino';
import type { OssaConfig } from '../config/ossa-config.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { RateLimiter } from './rate-limiter.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

/** The `RateLimiter` on the store `rate_limit.storage` names, or undefined when `rate_limit.enabled` is false. */
export function createRateLimiter(config: OssaConfig, deps: { readonly events: EventDispatcher; readonly logger: Logger; readonly redis?: RedisConnection }): RateLimiter | undefined {
  if (!config.rate_limit.enabled) return undefined;
  let store: RateLimitStore;
  if (config.rate_limit.storage === 'redis') {
    if (!deps.redis) throw new Error('rate_limit.storage is redis but no Redis connection was made (set redis.url)');
    store = new RedisRateLimitStore({ client: deps.redis.client, keyPrefix: deps.redis.keyPrefix, commandTimeoutMs: deps.redis.commandTimeoutMs });
  } else {
    store = new MemoryRateLimitStore();
  }
  return new RateLimiter({ store, config: config.rate_limit, clients: config.security.clients, events: deps.events, logger: deps.logger });
}
