import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitDecisionEvent } from '../../src/events/gateway-events.js';
import { agentManifest, readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { freePort } from '../support/throwaway-redis.js';

const limitedAgent = agentManifest('limited', {}, '  safety:\n    rate_limiting:\n      enabled: true\n      requests_per_minute: 6\n      burst_limit: 2\n');

describe('rate limiting over HTTP', () => {
  let upstream: MockUpstream;
  let t: TestGateway;
  const decisions: RateLimitDecisionEvent[] = [];

  beforeAll(async () => {
    upstream = await startMockOpenAI();
    t = await startTestGateway({
      ossa: {
        providers: { local: { type: 'openai-compatible', base_url: upstream.url, model: 'llama', circuit_breaker: { enabled: false }, max_retries: 0 } },
        default_provider: 'local',
        security: { trust_user_header: true },
        rate_limit: { user: { limit: 3, interval: '1 hour' }, global: { limit: 20, interval: '1 hour' } },
        cache: { enabled: false },
      },
      agents: { support: agentManifest('support'), limited: limitedAgent, nollm: agentManifest('nollm', { provider: 'none' }) },
    });
    t.gateway.events.on('rate_limit.decision', (event) => void decisions.push(event));
  });
  afterAll(async () => {
    await t.close();
    await upstream.close();
  });
  afterEach(() => upstream.reset());

  const as = (user: string) => ({ 'x-user-id': user });

  it('tells every answer how much is left, and answers 429 with Retry-After naming the user limit', async () => {
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await t.post('/v1/agents/support/execute', { input: `q${i}` }, as('ada')));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers.map((r) => r.headers.get('ratelimit-limit'))).toEqual(['3', '3', '3']);
    expect(answers.map((r) => r.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0']);
    expect(answers.map((r) => r.headers.get('ratelimit-reset'))).toEqual(['1200', '2400', '3600']);
    expect(answers[0]!.headers.get('retry-after')).toBeNull();

    const rejected = await t.post('/v1/agents/support/execute', { input: 'q3' }, as('ada'));
    expect(rejected.status).toBe(429);
    expect(rejected.headers.get('retry-after')).toBe('1200');
    expect(rejected.headers.get('ratelimit-remaining')).toBe('0');
    expect(rejected.headers.get('ratelimit-limit')).toBe('3');
    expect(rejected.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await readJson(rejected)).toMatchObject({
      type: 'urn:ossa-gateway:problem:rate-limited',
      status: 429,
      limit: 'user',
      retry_after: 1200,
      detail: 'your per-user limit of 3 requests is used up; retry in 1200 s',
    });
    // The 429 came before the cache and the executor: three upstream calls, not four.
    expect(upstream.requests).toHaveLength(3);
    expect(decisions.at(-1)).toMatchObject({ agent: 'support', allowed: false, scope: 'user', remaining: { user: 0, global: 17 } });
  });

  it("names the agent's own limit from its manifest (burst_limit, then requests_per_minute)", async () => {
    const statuses = [];
    for (const user of ['u1', 'u2', 'u3']) statuses.push((await t.post('/v1/agents/limited/execute', { input: 'x' }, as(user))).status);
    expect(statuses).toEqual([200, 200, 429]);
    const rejected = await t.post('/v1/agents/limited/execute', { input: 'x' }, as('u4'));
    expect(rejected.headers.get('retry-after')).toBe('10');
    expect(rejected.headers.get('ratelimit-limit')).toBe('2');
    expect(await readJson(rejected)).toMatchObject({ limit: 'agent', detail: "this agent's limit of 2 requests is used up; retry in 10 s" });
  });

  it('spends no token on requests refused before the limiter: unknown agent, agent that cannot run, invalid body', async () => {
    const before = decisions.length;
    expect((await t.post('/v1/agents/nobody/execute', { input: 'x' }, as('bob'))).status).toBe(404);
    expect((await t.post('/v1/agents/nollm/execute', { input: 'x' }, as('bob'))).status).toBe(422);
    expect((await t.post('/v1/agents/support/execute', { inptu: 'x' }, as('bob'))).status).toBe(400);
    expect(decisions.length).toBe(before);
    const first = await t.post('/v1/agents/support/execute', { input: 'x' }, as('bob'));
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
  });

  it('keeps the headers on an error from the upstream', async () => {
    upstream.fail({ status: 400 });
    const res = await t.post('/v1/agents/support/execute', { input: 'x' }, as('carol'));
    expect(res.status).toBe(502);
    expect(res.headers.get('ratelimit-remaining')).toBe('2');
    expect(res.headers.get('ratelimit-limit')).toBe('3');
  });

  it('rejects on the global limit once every user together has used it, naming it', async () => {
    let res: Response | undefined;
    for (let i = 0; i < 30; i++) {
      res = await t.post('/v1/agents/support/execute', { input: 'x' }, as(`crowd-${i}`));
      if (res.status === 429) break;
    }
    expect(res!.status).toBe(429);
    // A token comes back every 180 s; the wall clock runs while the 20 requests are served.
    expect(await readJson(res!)).toMatchObject({ limit: 'global', detail: expect.stringMatching(/^the gateway's global limit of 20 requests is used up; retry in 1[78]\d s$/) });
    expect(res!.headers.get('ratelimit-limit')).toBe('20');
  });
});

describe('a rate-limit store that cannot be reached', () => {
  it('admits every request with fail_open (the default), and answers quick 503s without it', async () => {
    const port = await freePort(); // nothing listens there
    for (const failOpen of [true, false]) {
      const t = await startTestGateway({
        ossa: {
          redis: { url: `redis://127.0.0.1:${port}` },
          rate_limit: { storage: 'redis', fail_open: failOpen, user: { limit: 1, interval: '1 hour' } },
          cache: { enabled: false },
        },
        agents: { support: agentManifest('support') },
      });
      const answers = await Promise.all(Array.from({ length: 10 }, () => t.post('/v1/agents/support/execute', { input: 'x' })));
      if (failOpen) {
        expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
        expect(answers[0]!.headers.get('ratelimit-limit')).toBeNull();
        expect(t.gateway.rateLimiter!.failOpenAdmissions).toBe(10);
        expect((await t.get('/readyz')).status).toBe(200);
      } else {
        expect(answers.map((r) => r.status)).toEqual(Array(10).fill(503));
        expect(answers[0]!.headers.get('retry-after')).toBe('1');
        expect(await readJson(answers[0]!)).toMatchObject({ type: 'urn:ossa-gateway:problem:rate-limit-unavailable' });
        const ready = await t.get('/readyz');
        expect(ready.status).toBe(503);
        expect((await readJson(ready)).checks).toContainEqual(expect.objectContaining({ name: 'redis', status: 'fail' }));
      }
      const warnings = t.logs.lines.filter((l) => l['level'] === 'warn' && String(l['msg']).startsWith('rate limit store (redis) failed'));
      expect(warnings).toHaveLength(1);
      // The refusal is deliberate, not a bug: no error line (with a stack) per 503.
      expect(t.logs.lines.filter((l) => l['level'] === 'error' || l['level'] === 50)).toEqual([]);
      await t.close();
    }
  });
});
