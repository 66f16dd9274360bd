import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The shared Redis the test suite runs against (`.ci/run` starts one when none answers). */
export const TEST_REDIS_URL = process.env['OSSA_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A fresh key prefix, so tests running at the same time (other engineers, other files) never meet. */
export function testKeyPrefix(): string {
  return `ossa-test:${randomBytes(6).toString('hex')}:`;
}

export interface TestRedis {
  readonly client: Redis;
  readonly prefix: string;
  /** Every key under this test's prefix. */
  keys(): Promise<string[]>;
  /** Deletes this test's keys (never the whole database: it is shared) and disconnects. */
  cleanup(): Promise<void>;
}

/** A client of the shared test Redis with its own key prefix. */
export async function connectTestRedis(url = TEST_REDIS_URL): Promise<TestRedis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  const prefix = testKeyPrefix();
  const keys = async (): Promise<string[]> => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  };
  return {
    client,
    prefix,
    keys,
    async cleanup() {
      const found = await keys();
      if (found.length > 0) await client.del(...found);
      client.disconnect();
    },
  };
}

/** A clock tests move by hand. */
export class FakeClock {
  constructor(public time = 1_700_000_000_000) {}
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}
