import { describe, expect, it } from 'vitest';
import { testAgent } from '../../test/support/agent-definition.js';
import { LogCapture } from '../../test/support/gateway-harness.js';
import { FakeClock } from '../../test/support/test-redis.js';
import type { RateLimitConfig } from '../config/ossa-config.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { RateLimitDecisionEvent, StoreErrorEvent } from '../events/gateway-events.js';
import { createLogger } from '../observability/logger.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { RateLimiter } from './rate-limiter.js';

function setup(config: Partial<RateLimitConfig>, options: { store?: RateLimitStore; clients?: { id: string; rate_limit?: { user: { limit: number; interval: string } } }[] } = {}) {
  const clock = new FakeClock();
  const logs = new LogCapture();
  const logger = createLogger({ destination: logs.stream });
  const events = new EventDispatcher(logger);
  const decisions: RateLimitDecisionEvent[] = [];
  const storeErrors: StoreErrorEvent[] = [];
  events.on('rate_limit.decision', (e) => void decisions.push(e));
  events.on('store.error', (e) => void storeErrors.push(e));
  const limiter = new RateLimiter({
    store: options.store ?? new MemoryRateLimitStore({ now: clock.now }),
    config: { enabled: true, storage: 'memory', fail_open: true, ...config },
    clients: options.clients ?? [],
    events,
    logger,
  });
  return { limiter, clock, logs, decisions, storeErrors };
}

const support = testAgent('support');
const limited = testAgent('limited', { rateLimit: { requestsPerMinute: 60, burstLimit: 2 } });
const brokenStore: RateLimitStore = {
  backend: 'redis',
  take: () => Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
};

describe('RateLimiter', () => {
  it('checks nothing and says nothing when no limit applies', async () => {
    const { limiter, decisions } = setup({});
    expect(await limiter.check({ agent: support, userId: 'ada' })).toEqual({ outcome: 'admitted' });
    expect(decisions).toHaveLength(0);
  });

  it('rejects a user over their limit, naming the user limit, with the wait until their next token', async () => {
    const { limiter, decisions } = setup({ user: { limit: 2, interval: '1 minute' }, global: { limit: 100, interval: '1 minute' } });
    const first = await limiter.check({ agent: support, userId: 'ada' });
    expect(first).toEqual({ outcome: 'admitted', status: { scope: 'user', limit: 2, remaining: 1, resetSeconds: 30 } });
    await limiter.check({ agent: support, userId: 'ada' });
    const third = await limiter.check({ agent: support, userId: 'ada' });
    expect(third).toEqual({ outcome: 'rejected', scope: 'user', status: { scope: 'user', limit: 2, remaining: 0, resetSeconds: 60 }, retryAfterSeconds: 30 });
    expect(decisions.map((d) => [d.allowed, d.scope])).toEqual([[true, undefined], [true, undefined], [false, 'user']]);
    expect(decisions[2]).toMatchObject({ agent: 'support', remaining: { user: 0, global: 98 }, retryAfterMs: 30_000 });
    // Another user is unaffected, and the global bucket lost only the two admitted requests.
    expect(await limiter.check({ agent: support, userId: 'bob' })).toMatchObject({ outcome: 'admitted' });
    expect(decisions[3]!.remaining).toEqual({ user: 1, global: 97 });
  });

  it('rejects on the global limit when every user still has tokens', async () => {
    const { limiter } = setup({ user: { limit: 10, interval: '1 hour' }, global: { limit: 3, interval: '1 hour' } });
    for (const user of ['a', 'b', 'c']) expect((await limiter.check({ agent: support, userId: user })).outcome).toBe('admitted');
    expect(await limiter.check({ agent: support, userId: 'd' })).toMatchObject({ outcome: 'rejected', scope: 'global', retryAfterSeconds: 1200 });
  });

  it("applies the manifest's per-agent bucket: burst_limit at once, requests_per_minute sustained", async () => {
    const { limiter, clock } = setup({ global: { limit: 1000, interval: '1 hour' } });
    expect((await limiter.check({ agent: limited, userId: 'a' })).outcome).toBe('admitted');
    expect(await limiter.check({ agent: limited, userId: 'b' })).toMatchObject({ outcome: 'admitted', status: { scope: 'agent', limit: 2, remaining: 0 } });
    expect(await limiter.check({ agent: limited, userId: 'c' })).toMatchObject({ outcome: 'rejected', scope: 'agent', retryAfterSeconds: 1 });
    expect((await limiter.check({ agent: support, userId: 'c' })).outcome).toBe('admitted');
    clock.advance(1000);
    expect((await limiter.check({ agent: limited, userId: 'c' })).outcome).toBe('admitted');
  });

  it("gives a client's users the client's own user limit", async () => {
    const { limiter } = setup({ user: { limit: 1, interval: '1 hour' } }, { clients: [{ id: 'batch', rate_limit: { user: { limit: 3, interval: '1 hour' } } }, { id: 'web' }] });
    const outcomes = async (clientId: string, userId: string) => {
      const out: string[] = [];
      for (let i = 0; i < 4; i++) out.push((await limiter.check({ agent: support, userId, clientId })).outcome);
      return out;
    };
    expect(await outcomes('batch', 'batch')).toEqual(['admitted', 'admitted', 'admitted', 'rejected']);
    expect(await outcomes('web', 'web')).toEqual(['admitted', 'rejected', 'rejected', 'rejected']);
  });

  it('admits when the store fails and fail_open is on, warning once per 10 s and dispatching store.error', async () => {
    const { limiter, logs, storeErrors, decisions } = setup({ user: { limit: 1, interval: '1 hour' } }, { store: brokenStore });
    for (let i = 0; i < 50; i++) expect(await limiter.check({ agent: support, userId: 'ada' })).toEqual({ outcome: 'store-failed', admitted: true });
    expect(limiter.failOpenAdmissions).toBe(50);
    expect(storeErrors).toHaveLength(50);
    expect(storeErrors[0]).toMatchObject({ store: 'rate_limit', backend: 'redis', operation: 'take' });
    expect(decisions).toHaveLength(0);
    const warnings = logs.lines.filter((line) => line['level'] === 'warn');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!['msg'])).toMatch(/rate limit store \(redis\) failed: admitting requests unchecked \(fail_open\)/);
  });

  it('refuses when the store fails and fail_open is off', async () => {
    const { limiter } = setup({ user: { limit: 1, interval: '1 hour' }, fail_open: false }, { store: brokenStore });
    expect(await limiter.check({ agent: support, userId: 'ada' })).toEqual({ outcome: 'store-failed', admitted: false });
    expect(limiter.failClosedRejections).toBe(1);
  });

  it('keys hostile user ids by their hash', () => {
    const { limiter } = setup({ user: { limit: 1, interval: '1 hour' } });
    const [bucket] = limiter.bucketsFor({ agent: support, userId: `x\n${'y'.repeat(500)}` });
    expect(bucket!.key).toMatch(/^user:sha256=[0-9a-f]{64}$/);
    expect(limiter.bucketsFor({ agent: support, userId: '10.0.0.7' })[0]!.key).toBe('user:10.0.0.7');
  });
});
