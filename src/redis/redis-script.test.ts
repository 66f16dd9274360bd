import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectTestRedis } from '../../test/support/test-redis.js';
import { RedisScript } from './redis-script.js';

describe('RedisScript', () => {
  it('loads itself with EVAL when the server does not know it (first use, or after a Redis restart)', async () => {
    const redis = await connectTestRedis();
    try {
      // A script no server has seen: the first EVALSHA answers NOSCRIPT.
      const script = new RedisScript(`return KEYS[1] .. ARGV[1] -- ${randomUUID()}`);
      expect(await redis.client.script('EXISTS', script.sha)).toEqual([0]);
      expect(await script.run(redis.client, ['a'], ['b'])).toBe('ab');
      expect(await redis.client.script('EXISTS', script.sha)).toEqual([1]);
      expect(await script.run(redis.client, ['c'], [1])).toBe('c1');
    } finally {
      await redis.cleanup();
    }
  });
});
