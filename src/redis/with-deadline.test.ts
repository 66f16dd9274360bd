import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../test/support/test-redis.js';
import { RedisTimeoutError, withDeadline } from './with-deadline.js';

/** Keeps the event loop busy, as a burst of CPU-bound request handling does. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe('withDeadline', () => {
  const clients: Redis[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });

  it('does not fail a command whose reply arrived while the event loop was busy (a plain timeout does)', async () => {
    const plain = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 0 });
    const ours = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 0 });
    clients.push(plain, ours);
    await Promise.all([plain.ping(), ours.ping()]);
    // Set after connecting, so a slow connection on a busy CI box cannot trip it first.
    plain.options.commandTimeout = 20;

    const timedOutByIoredis = plain.ping();
    const guarded = withDeadline(ours.ping(), 20);
    blockEventLoop(400); // both replies reach the socket meanwhile (even on a busy box); both timers are overdue
    await expect(timedOutByIoredis).rejects.toThrow('Command timed out');
    await expect(guarded).resolves.toBe('PONG');
  });

  it('rejects with RedisTimeoutError when no answer comes', async () => {
    const never = new Promise<string>(() => undefined);
    await expect(withDeadline(never, 5)).rejects.toBeInstanceOf(RedisTimeoutError);
  });

  it("passes on the command's own error", async () => {
    await expect(withDeadline(Promise.reject(new Error('NOSCRIPT')), 1000)).rejects.toThrow('NOSCRIPT');
  });
});

describe('explainRedisError', () => {
  it('says "redis is not connected" for a command refused while disconnected', async () => {
    const refused = Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false"));
    await expect(withDeadline(refused, 1000)).rejects.toThrow(/^redis is not connected$/);
  });
});
