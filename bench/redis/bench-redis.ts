import { Redis } from 'ioredis';

/**
 * The Redis the Redis-store rows use, reached only to check it answers and to delete the
 * keys the gateway wrote under this run's own prefix (nothing else is touched).
 */
export class BenchRedis {
  readonly url: string;
  /** `ossa-bench:<pid>-<time>:`: unique per run, so concurrent runs and test suites never collide. */
  readonly keyPrefix: string;

  constructor(url: string) {
    this.url = url;
    this.keyPrefix = `ossa-bench:${process.pid}-${Date.now().toString(36)}:`;
  }

  /** Undefined when Redis answers PING; otherwise why not. */
  async unavailable(): Promise<string | undefined> {
    const client = this.#client();
    try {
      await client.connect();
      const pong = await client.ping();
      return pong === 'PONG' ? undefined : `Redis at ${this.url} answered ${pong} to PING`;
    } catch (error) {
      return `Redis at ${this.url} does not answer (${error instanceof Error ? error.message : String(error)})`;
    } finally {
      client.disconnect();
    }
  }

  /** Deletes every key under this run's prefix; returns how many. Errors are reported, not thrown. */
  async cleanUp(): Promise<number> {
    const client = this.#client();
    let deleted = 0;
    try {
      await client.connect();
      // Anywhere in the key: a store may put the prefix inside a {hash tag} for Redis Cluster.
      // The prefix is unique to this run, so this matches nothing else.
      const pattern = `*${this.keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) deleted += await client.unlink(...keys);
      } while (cursor !== '0');
    } catch (error) {
      process.stderr.write(`bench: could not clean up Redis keys ${this.keyPrefix}*: ${error instanceof Error ? error.message : String(error)}\n`);
    } finally {
      client.disconnect();
    }
    return deleted;
  }

  #client(): Redis {
    return new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1_000, enableOfflineQueue: false, retryStrategy: () => null });
  }
}
