import type { BenchContext } from '../bench-context.js';

/** Where the shared state (rate-limit buckets and cache entries) lives in a row. */
export interface StoreVariant {
  readonly store: 'memory' | 'redis';
  readonly label: string;
  /** `${BENCH_*}` values of full-pipeline.yaml for this store. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The memory and Redis variants of a scenario. The Redis one puts both the rate limiter and
 * the cache on Redis, as a fleet of gateways sharing one Redis would, under this run's own
 * key prefix (deleted afterwards).
 */
export function storeVariants(ctx: BenchContext): StoreVariant[] {
  return [
    { store: 'memory', label: 'memory store', env: { BENCH_CACHE_STORAGE: 'memory', BENCH_RATE_LIMIT_STORAGE: 'memory' } },
    {
      store: 'redis',
      label: 'Redis store',
      env: { BENCH_CACHE_STORAGE: 'redis', BENCH_RATE_LIMIT_STORAGE: 'redis', BENCH_REDIS_URL: ctx.redis.url, BENCH_REDIS_PREFIX: ctx.redis.keyPrefix },
    },
  ];
}
