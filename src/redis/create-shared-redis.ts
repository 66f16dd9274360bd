import type { Logger } from 'pino';
import type { OssaConfig } from '../config/ossa-config.js';
import type { RedisConnection } from './redis-connection.js';

/**
 * The one Redis connection of a gateway, when a layer stores in Redis (`rate_limit.storage`,
 * `cache.storage` or `budgets.storage`): the rate limiter, the cache and the budgets share it. Undefined otherwise. Not
 * connected yet: the stores are built on it first, and the gateway calls `connect()` once it
 * knows it will start (a gateway that refuses to start never dials Redis).
 */
export async function createSharedRedis(config: OssaConfig, logger: Logger): Promise<RedisConnection | undefined> {
  const wanted =
    (config.rate_limit.enabled && config.rate_limit.storage === 'redis') ||
    (config.cache.enabled && config.cache.storage === 'redis') ||
    (config.budgets.enabled && config.budgets.storage === 'redis');
  const url = config.redis.url;
  // The config checks refuse `storage: redis` without `redis.url`.
  if (!wanted || url === undefined) return undefined;
  // Loaded only here: ioredis is not imported by a gateway whose stores are all in memory
  // (idle RSS measured at -4 MiB without it).
  const { RedisConnection: Connection } = await import('./redis-connection.js');
  return Connection.create({ config: { ...config.redis, url }, logger });
}
