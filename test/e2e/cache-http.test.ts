import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentManifest, readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { freePort } from '../support/throwaway-redis.js';

const ADMIN_KEY = 'ossa-admin-CACHEADMIN-4e5f6a7b';
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

function provider(upstream: MockUpstream) {
  return { local: { type: 'openai-compatible', base_url: upstream.url, model: 'llama', circuit_breaker: { enabled: false }, max_retries: 0 } };
}

describe('response caching over HTTP', () => {
  let upstream: MockUpstream;
  let t: TestGateway;

  beforeAll(async () => {
    upstream = await startMockOpenAI();
    t = await startTestGateway({
      ossa: {
        providers: provider(upstream),
        default_provider: 'local',
        cache: { storage: 'memory', response_ttl: 600 },
        agents: { uncached: { cache_ttl: 0 } },
        security: { admin_keys: ['${ADMIN_KEY}'] },
      },
      agents: { support: agentManifest('support'), billing: agentManifest('billing'), uncached: agentManifest('uncached') },
      env: { ADMIN_KEY },
    });
  });
  afterAll(async () => {
    await t.close();
    await upstream.close();
  });
  afterEach(async () => {
    await fetch(`${t.url}/v1/cache`, { method: 'DELETE', headers: admin });
    upstream.reset();
  });

  const ask = (agent: string, body: Record<string, unknown>) => t.post(`/v1/agents/${agent}/execute`, body);

  it('answers a repeated request from the cache: X-Cache HIT, "cached": true, no upstream call', async () => {
    const miss = await ask('support', { input: 'Where is my order?', context: { order: 'A-1' } });
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const first = await readJson(miss);
    expect(first.cached).toBe(false);
    const hit = await ask('support', { input: 'Where is my order?', context: { order: 'A-1' } });
    expect(hit.status).toBe(200);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    const second = await readJson(hit);
    expect(second).toMatchObject({ cached: true, output: first.output, provider: 'local', model: 'llama', usage: first.usage, attempts: 0 });
    expect(second.request_id).toBe(hit.headers.get('x-request-id'));
    expect(second.request_id).not.toBe(first.request_id);
    expect(upstream.requests).toHaveLength(1);
    expect((await ask('support', { input: 'Where is my order?', context: { order: 'A-2' } })).headers.get('x-cache')).toBe('MISS');
  });

  it('says BYPASS for "cache": "bypass" and for an agent with cache_ttl 0; "refresh" says MISS and stores the new answer', async () => {
    await ask('support', { input: 'q' });
    const bypass = await ask('support', { input: 'q', cache: 'bypass' });
    expect(bypass.headers.get('x-cache')).toBe('BYPASS');
    expect((await readJson(bypass)).cached).toBe(false);
    upstream.script({ kind: 'reply', text: 'a fresher answer' });
    const refresh = await ask('support', { input: 'q', cache: 'refresh' });
    expect(refresh.headers.get('x-cache')).toBe('MISS');
    const after = await ask('support', { input: 'q' });
    expect(after.headers.get('x-cache')).toBe('HIT');
    expect((await readJson(after)).output).toBe('a fresher answer');
    expect((await ask('uncached', { input: 'q' })).headers.get('x-cache')).toBe('BYPASS');
    expect((await ask('uncached', { input: 'q' })).headers.get('x-cache')).toBe('BYPASS');
    expect(upstream.requests).toHaveLength(5);
  });

  it('does not cache errors', async () => {
    upstream.fail({ status: 500 });
    expect((await ask('support', { input: 'flaky' })).status).toBe(503);
    const retry = await ask('support', { input: 'flaky' });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('x-cache')).toBe('MISS');
    expect((await ask('support', { input: 'flaky' })).headers.get('x-cache')).toBe('HIT');
  });

  it('makes one upstream call for identical requests arriving together', async () => {
    upstream.script({ kind: 'reply', delayMs: 200 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => ask('support', { input: 'stampede' })));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(answers.map((r) => r.headers.get('x-cache')).sort()).toEqual([...Array(7).fill('HIT'), 'MISS']);
    expect(upstream.requests).toHaveLength(1);
  });

  it('invalidates one agent, one response, or everything through the admin routes', async () => {
    await ask('support', { input: 'a', context: { k: 1 } });
    await ask('support', { input: 'b' });
    await ask('billing', { input: 'a' });

    const one = await t.post('/v1/cache/invalidate', { agent: 'support', input: 'a', context: { k: 1 } }, admin);
    expect(one.status).toBe(200);
    expect(await readJson(one)).toEqual({ cleared: 'response', agent: 'support', removed: true });
    expect(await readJson(await t.post('/v1/cache/invalidate', { agent: 'support', input: 'a', context: { k: 1 } }, admin))).toMatchObject({ removed: false });
    expect((await ask('support', { input: 'a', context: { k: 1 } })).headers.get('x-cache')).toBe('MISS');
    expect((await ask('support', { input: 'b' })).headers.get('x-cache')).toBe('HIT');

    const agent = await fetch(`${t.url}/v1/cache/agents/support`, { method: 'DELETE', headers: admin });
    expect(await readJson(agent)).toEqual({ cleared: 'agent', agent: 'support' });
    expect((await ask('support', { input: 'b' })).headers.get('x-cache')).toBe('MISS');
    expect((await ask('billing', { input: 'a' })).headers.get('x-cache')).toBe('HIT');

    const all = await fetch(`${t.url}/v1/cache`, { method: 'DELETE', headers: admin });
    expect(await readJson(all)).toEqual({ cleared: 'all' });
    expect((await ask('billing', { input: 'a' })).headers.get('x-cache')).toBe('MISS');
  });

  it('answers problem+json for an unknown agent or a bad body, and 401 without the admin key', async () => {
    const unknown = await fetch(`${t.url}/v1/cache/agents/supprot`, { method: 'DELETE', headers: admin });
    expect(unknown.status).toBe(404);
    expect((await readJson(unknown)).detail).toBe('no agent named "supprot"; did you mean "support"?');
    expect((await t.post('/v1/cache/invalidate', { agent: 'support' }, admin)).status).toBe(400);
    expect((await t.post('/v1/cache/invalidate', { agent: 'nobody', input: 'x' }, admin)).status).toBe(404);
    expect((await fetch(`${t.url}/v1/cache/agents/support`, { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(`${t.url}/v1/cache`, { method: 'DELETE', headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });
});

describe('the cache switched off, or on a store that fails', () => {
  it('sends no X-Cache when caching is off, and the admin routes say 409', async () => {
    const t = await startTestGateway({ ossa: { cache: { enabled: false } }, agents: { support: agentManifest('support') } });
    const res = await t.post('/v1/agents/support/execute', { input: 'q' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toBeNull();
    const clear = await fetch(`${t.url}/v1/cache`, { method: 'DELETE' });
    expect(clear.status).toBe(409);
    expect(await readJson(clear)).toMatchObject({ type: 'urn:ossa-gateway:problem:cache-disabled' });
    await t.close();
  });

  it('serves every request uncached when Redis is unreachable, with one warning, and the admin routes say 503', async () => {
    const t = await startTestGateway({
      ossa: { redis: { url: `redis://127.0.0.1:${await freePort()}` }, cache: { storage: 'redis' }, rate_limit: { enabled: false } },
      agents: { support: agentManifest('support') },
    });
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.post('/v1/agents/support/execute', { input: 'q' })));
    expect(answers.map((r) => r.status)).toEqual(Array(5).fill(200));
    expect(answers.map((r) => r.headers.get('x-cache'))).toEqual(Array(5).fill('MISS'));
    expect(t.logs.lines.filter((l) => String(l['msg']).startsWith('cache store (redis) failed to get'))).toHaveLength(1);
    expect((await fetch(`${t.url}/v1/cache`, { method: 'DELETE' })).status).toBe(503);
    const ready = await readJson(await t.get('/readyz'));
    expect(ready.status).toBe('degraded');
    await t.close();
  });

  it('caches answers in the keyless example setup, where echo stands in for a provider without a key', async () => {
    const t = await startTestGateway({
      ossa: { providers: { anthropic: { api_key: '${ANTHROPIC_API_KEY}', circuit_breaker: { fallback_providers: ['echo'] } } } },
      agents: { support: agentManifest('support', { provider: 'anthropic', model: 'claude-sonnet-4-5' }) },
    });
    try {
      const first = await t.post('/v1/agents/support/execute', { input: 'q' });
      const second = await t.post('/v1/agents/support/execute', { input: 'q' });
      expect([first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual(['MISS', 'HIT']);
      expect(await readJson(second)).toMatchObject({ provider: 'echo', fallback_used: true, cached: true });
    } finally {
      await t.close();
    }
  });

  it('evicts the least recently used entries beyond max_entries, dispatching cache.eviction', async () => {
    const t = await startTestGateway({ ossa: { cache: { max_entries: 2 } }, agents: { support: agentManifest('support') } });
    const evictions: { count: number; reason: string }[] = [];
    t.gateway.events.on('cache.eviction', (event) => void evictions.push({ count: event.count, reason: event.reason }));
    for (const input of ['one', 'two', 'three']) await t.post('/v1/agents/support/execute', { input });
    expect(evictions).toEqual([{ count: 1, reason: 'entries' }]);
    expect((await t.post('/v1/agents/support/execute', { input: 'one' })).headers.get('x-cache')).toBe('MISS');
    expect((await t.post('/v1/agents/support/execute', { input: 'three' })).headers.get('x-cache')).toBe('HIT');
    await t.close();
  });

  it('keeps entries in a directory with storage: file', async () => {
    const t = await startTestGateway({ ossa: { cache: { storage: 'file', path: 'var/cache' } }, agents: { support: agentManifest('support') } });
    await t.post('/v1/agents/support/execute', { input: 'q' });
    expect((await t.post('/v1/agents/support/execute', { input: 'q' })).headers.get('x-cache')).toBe('HIT');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(t.dir, 'var/cache/support'))).toHaveLength(1);
    await t.close();
  });
});
