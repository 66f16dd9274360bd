import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LogCapture } from '../../../test/support/gateway-harness.js';
import { EventDispatcher } from '../../events/event-dispatcher.js';
import type { GatewayEvent } from '../../events/gateway-events.js';
import { HttpProblem } from '../problem.js';
import { addressKey, AuthThrottle } from './auth-throttle.js';

function setup(perAddress = 3, perCredential = 5) {
  const clock = { ms: 1_000_000 };
  const logs = new LogCapture();
  const logger = pino({ level: 'info' }, logs.stream);
  const events = new EventDispatcher(logger);
  const seen: GatewayEvent[] = [];
  events.on('security.auth_throttled', (e) => void seen.push(e));
  events.on('security.auth_failure', (e) => void seen.push(e));
  const throttle = new AuthThrottle({
    config: { enabled: true, per_address: { limit: perAddress, interval: '1 minute' }, per_credential: { limit: perCredential, interval: '1 minute' } },
    events,
    logger,
    now: () => clock.ms,
  });
  /** The status a request from `ip` with a wrong key gets: 401 after counting, or 429 unchecked. */
  const guess = async (ip: string, kind: 'admin' | 'client' = 'admin'): Promise<number> => {
    try {
      throttle.check(ip, kind);
    } catch (error) {
      return (error as HttpProblem).status;
    }
    throttle.failed(ip, kind);
    await Promise.resolve();
    return 401;
  };
  const valid = (ip: string, kind: 'admin' | 'client' = 'admin'): number => {
    try {
      throttle.check(ip, kind);
    } catch (error) {
      return (error as HttpProblem).status;
    }
    throttle.succeeded(ip, kind);
    return 200;
  };
  return { throttle, clock, logs, seen, guess, valid };
}

describe('AuthThrottle', () => {
  it('checks the first failures of an address, then refuses it unchecked until its bucket refills', async () => {
    const { clock, guess, valid, seen, logs } = setup();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push(await guess('10.0.0.1'));
    // 3 failures admitted; the 3rd empties the bucket and blocks the address.
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    // A valid key from the blocked address is refused too: a guesser cannot tell a right guess.
    expect(valid('10.0.0.1')).toBe(429);
    // Other addresses are untouched.
    expect(valid('10.0.0.2')).toBe(200);
    expect(await guess('10.0.0.2')).toBe(401);
    // One token back after 20 s (3 per minute): one more guess, then blocked again.
    clock.ms += 20_001;
    expect(await guess('10.0.0.1')).toBe(401);
    expect(await guess('10.0.0.1')).toBe(429);
    // One log line and one event for the whole burst.
    const bursts = seen.filter((e) => e.type === 'security.auth_throttled');
    expect(bursts).toEqual([{ type: 'security.auth_throttled', scope: 'address', credential: 'admin', retryAfterMs: expect.any(Number) }]);
    expect(logs.lines.filter((l) => String(l['msg']).startsWith('failed authentication from 10.0.0.1'))).toHaveLength(1);
    expect(seen.filter((e) => e.type === 'security.auth_failure' && e.outcome === 'throttled')).toHaveLength(5);
  });

  it('refuses a credential kind under attack from many addresses, except to addresses that used such a key before', async () => {
    const { guess, valid, seen } = setup(3, 5);
    expect(valid('192.168.1.1')).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push(await guess(`10.0.1.${i}`));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect(valid('10.0.2.1')).toBe(429);
    expect(valid('192.168.1.1')).toBe(200);
    // Another kind of credential is its own bucket.
    expect(await guess('10.0.3.1', 'client')).toBe(401);
    expect(seen.filter((e) => e.type === 'security.auth_throttled')).toEqual([{ type: 'security.auth_throttled', scope: 'credential', credential: 'admin', retryAfterMs: expect.any(Number) }]);
  });

  it('counts but never refuses when disabled', async () => {
    const { throttle, seen } = setup();
    const disabled = new AuthThrottle({ config: { enabled: false, per_address: { limit: 1, interval: 60 }, per_credential: { limit: 1, interval: 60 } }, events: new EventDispatcher(pino({ level: 'silent' })), logger: pino({ level: 'silent' }) });
    for (let i = 0; i < 5; i++) {
      disabled.check('10.0.0.9', 'admin');
      disabled.failed('10.0.0.9', 'admin');
    }
    expect(() => disabled.check('10.0.0.9', 'admin')).not.toThrow();
    expect(throttle).toBeDefined();
    expect(seen).toEqual([]);
  });

  it('counts IPv6 addresses by their /64 and IPv4-mapped ones as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('10.0.0.1')).toBe('10.0.0.1');
  });
});
