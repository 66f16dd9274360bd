import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord, CacheHitRecord } from '../../src/audit/audit-record.js';
import { readAuditFile } from '../support/audit-file.js';
import { ROOT, startServe, type ServeProcess } from '../support/cli-process.js';
import { agentManifest, readJson, tempDir } from '../support/gateway-harness.js';
import { startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { parsePrometheus, sampleSum } from '../support/prometheus-text.js';
import { connectTestRedis, TEST_REDIS_URL, type TestRedis } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';

// One tenant attacking another, through a real `serve` process with five client keys, on each
// cache store: poisoning the cache with `refresh`, probing it for another tenant's questions,
// and ids that collide. One process per store, shared by the file's tests.

const KEYS = {
  ALPHA_KEY: 'alpha-Tn8qR2vX5zB7mK4pW9sD3fG6hJ1cL0aE',
  BETA_KEY: 'beta-Yu3iO8pA5sD2fG7hJ4kL9zX6cV1bN0mQ',
  GAMMA_KEY: 'gamma-Qw2eR7tY4uI9oP3aS8dF5gH1jK6lZ0xC',
  GAMMA_VIP_KEY: 'gammavip-Mn5bV8cX2zL7kJ4hG9fD3sA6pO1iU0',
  OPS_KEY: 'ops-Zx9cV4bN7mQ2wE5rT8yU3iO6pA1sD0fGh',
  ADMIN_KEY: 'admin-Lk7jH2gF9dS4aP6oI1uY8tR3eW5qZ0xCv',
};
const as = (key: keyof typeof KEYS, user?: string): Record<string, string> => ({ authorization: `Bearer ${KEYS[key]}`, ...(user ? { 'x-user-id': user } : {}) });

type Storage = 'memory' | 'file' | 'redis';

interface Tenants {
  readonly gateway: ServeProcess;
  readonly upstream: MockUpstream;
  /** An upstream that lies about usage and names (memory store only). */
  readonly hostile: MockUpstream | undefined;
  readonly dir: string;
  ask(agent: string, body: Record<string, unknown>, headers: Record<string, string>): Promise<Response>;
  audit(): AuditRecord[];
}

async function startTenants(storage: Storage, redis: TestRedis | undefined, hostile: MockUpstream | undefined): Promise<Tenants> {
  const upstream = await startMockOpenAI();
  const dir = tempDir({
    'agents/support.ossa.yaml': agentManifest('support'),
    'agents/faq.ossa.yaml': agentManifest('faq'),
    'agents/personal.ossa.yaml': agentManifest('personal'),
    ...(hostile ? { 'agents/hostile.ossa.yaml': agentManifest('hostile', { provider: 'hostile', model: 'gpt-4o-mini' }) } : {}),
  });
  const shared = redis ? `\n  redis: { url: "${TEST_REDIS_URL}", key_prefix: "${redis.prefix}", command_timeout_ms: 1000 }` : '';
  writeFileSync(
    join(dir, 'ossa.yaml'),
    `ossa:
  manifest_paths: [agents]
  server: { port: 0 }${shared}
  default_provider: sampler
  providers:
    sampler: { type: openai-compatible, base_url: "${upstream.url}", model: sampler-1, max_retries: 0, circuit_breaker: { enabled: false } }
${hostile ? `    hostile: { type: openai-compatible, base_url: "${hostile.url}", model: gpt-4o-mini, max_retries: 0, circuit_breaker: { enabled: false } }\n` : ''}  rate_limit: { storage: ${redis ? 'redis' : 'memory'} }
  cache: { storage: ${storage}, path: cache, response_ttl: 600 }     # scope: client, the default with clients
  agents:
    faq: { cache_scope: global }
    personal: { cache_scope: user }
  security:
    trust_user_header: true
    admin_keys: ["\${ADMIN_KEY}"]
    audit: { path: audit/audit.jsonl }
    clients:
      - { id: alpha, key: "\${ALPHA_KEY}" }
      - { id: beta, key: "\${BETA_KEY}" }
      - { id: gamma, key: "\${GAMMA_KEY}", rate_limit: { user: { limit: 2, interval: "1 hour" } } }
      - { id: "gamma:vip", key: "\${GAMMA_VIP_KEY}", rate_limit: { user: { limit: 2, interval: "1 hour" } } }
      - { id: ops, key: "\${OPS_KEY}", cache_control: true }
`,
  );
  const gateway = await startServe(ROOT, KEYS, ['--config', join(dir, 'ossa.yaml')]);
  return {
    gateway,
    upstream,
    hostile,
    dir,
    ask: (agent, body, headers) => gateway.post(`/v1/agents/${agent}/execute`, body, headers),
    audit: () => readAuditFile(join(dir, 'audit', 'audit.jsonl')).records,
  };
}

/** The attacks of issue 18 that involve the cache, on one store. */
function describeTenants(storage: Storage, extra: (t: () => Tenants) => void = () => undefined): void {
  describe(`tenants on the ${storage} cache store`, () => {
    let redis: TestRedis | undefined;
    let hostile: MockUpstream | undefined;
    let t: Tenants;
    beforeAll(async () => {
      if (storage === 'redis') redis = await connectTestRedis();
      if (storage === 'memory') hostile = await startMockOpenAI();
      t = await startTenants(storage, redis, hostile);
    });
    afterAll(async () => {
      await t?.gateway.stop();
      await t?.upstream.close();
      await hostile?.close();
      await redis?.cleanup();
    });

    it('refuses "refresh" and "bypass" from a client without cache_control (403 naming the field), so no tenant re-rolls an answer into the cache', async () => {
      t.upstream.script({ kind: 'reply', text: 'alpha: refunds within 30 days' });
      const first = await t.ask('support', { input: 'refund policy?' }, as('ALPHA_KEY'));
      expect(first.headers.get('x-cache')).toBe('MISS');
      const calls = t.upstream.requests.length;
      for (const mode of ['refresh', 'bypass']) {
        const refused = await t.ask('support', { input: 'refund policy?', cache: mode }, as('BETA_KEY'));
        expect(refused.status).toBe(403);
        const problem = await readJson(refused);
        expect(problem).toMatchObject({ type: 'urn:ossa-gateway:problem:cache-control-forbidden', param: 'cache' });
        expect(problem.detail).toBe(`client "beta" may not skip the cache's lookup (cache: ${mode}); an operator allows it with cache_control: true on the client`);
      }
      // Refused before the limiter and the upstream: no call, no RateLimit fields.
      expect(t.upstream.requests).toHaveLength(calls);
      // A trusted client may refresh, within its own partition: alpha's entry is untouched.
      t.upstream.script({ kind: 'reply', text: 'ops: whatever I like' });
      expect((await t.ask('support', { input: 'refund policy?', cache: 'refresh' }, as('OPS_KEY'))).status).toBe(200);
      const again = await t.ask('support', { input: 'refund policy?' }, as('ALPHA_KEY'));
      expect(again.headers.get('x-cache')).toBe('HIT');
      expect((await readJson(again)).output).toBe('alpha: refunds within 30 days');
    });

    it('gives no oracle: a tenant repeating another tenant\'s private question gets a miss and its own answer', async () => {
      t.upstream.script({ kind: 'reply', text: 'alpha merger memo' });
      await t.ask('support', { input: 'draft the ACME merger memo' }, as('ALPHA_KEY'));
      t.upstream.script({ kind: 'reply', text: 'beta answer' });
      const probe = await t.ask('support', { input: 'draft the ACME merger memo' }, as('BETA_KEY'));
      expect(probe.headers.get('x-cache')).toBe('MISS');
      expect(await readJson(probe)).toMatchObject({ cached: false, output: 'beta answer' });
      // The users of one client share its partition (scope client).
      const colleague = await t.ask('support', { input: 'draft the ACME merger memo' }, as('ALPHA_KEY', 'someone-else'));
      expect(await readJson(colleague)).toMatchObject({ cached: true, output: 'alpha merger memo' });
    });

    it('still shares hits across tenants where scope global is chosen, and keeps users apart where scope user is', async () => {
      t.upstream.script({ kind: 'reply', text: 'open 9 to 5' });
      await t.ask('faq', { input: 'opening hours?' }, as('ALPHA_KEY'));
      const shared = await t.ask('faq', { input: 'opening hours?' }, as('BETA_KEY'));
      expect(shared.headers.get('x-cache')).toBe('HIT');
      expect(await readJson(shared)).toMatchObject({ cached: true, output: 'open 9 to 5' });
      // The shared entry is exactly what a refresh would poison: still refused.
      expect((await t.ask('faq', { input: 'opening hours?', cache: 'refresh' }, as('BETA_KEY'))).status).toBe(403);
      await t.ask('personal', { input: 'my notes' }, as('ALPHA_KEY', 'ann'));
      expect((await t.ask('personal', { input: 'my notes' }, as('ALPHA_KEY', 'bob'))).headers.get('x-cache')).toBe('MISS');
      expect((await t.ask('personal', { input: 'my notes' }, as('ALPHA_KEY', 'ann'))).headers.get('x-cache')).toBe('HIT');
    });

    it('writes a cache_hit audit record naming who received the answer and the request that made it', async () => {
      const made = await t.ask('support', { input: 'audit me' }, as('ALPHA_KEY', 'ann'));
      const served = await t.ask('support', { input: 'audit me' }, as('ALPHA_KEY', 'bob'));
      expect(served.headers.get('x-cache')).toBe('HIT');
      const original = made.headers.get('x-request-id')!;
      const id = served.headers.get('x-request-id')!;
      const hit = await waitFor(() => t.audit().find((r): r is CacheHitRecord => r.event === 'cache_hit' && r.request_id === id));
      expect(hit).toMatchObject({ original_request_id: original, user_id: 'alpha:bob', agent: 'support', scope: 'client', provider: 'sampler', attempt: 0, streamed: false });
      expect(t.audit().filter((r) => r.request_id === original).map((r) => [r.event, r.user_id])).toEqual([['llm_request', 'alpha:ann'], ['llm_response', 'alpha:ann']]);
    });

    it('keeps client gamma with X-User-Id vip apart from client "gamma:vip": buckets, audit ids and user-scoped entries', async () => {
      t.upstream.script({ kind: 'reply', text: 'for gamma/vip' });
      const statuses = [];
      let first: Response | undefined;
      for (let i = 0; i < 3; i++) {
        const res = await t.ask('personal', { input: `collide ${i}` }, as('GAMMA_KEY', 'vip'));
        first ??= res;
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 429]);
      const other = await t.ask('personal', { input: 'collide 0' }, as('GAMMA_VIP_KEY'));
      expect(other.status).toBe(200);
      expect(other.headers.get('ratelimit-remaining')).toBe('1');
      expect(other.headers.get('x-cache')).toBe('MISS');
      const ids = [first!.headers.get('x-request-id'), other.headers.get('x-request-id')];
      await waitFor(() => t.audit().some((r) => r.request_id === ids[1]));
      expect(ids.map((requestId) => t.audit().find((r) => r.request_id === requestId)?.user_id)).toEqual(['gamma:vip', 'gamma%3Avip']);
    });

    extra(() => t);
  });
}

describeTenants('memory', (t) => {
  it('bounds what an upstream says: usage 1e308 and a 1 MB model name reach no counter, label, log line or client', async () => {
    const { gateway, hostile } = t();
    const huge = 'M'.repeat(1_000_000);
    const body = JSON.stringify({
      id: 'chatcmpl-x', object: 'chat.completion', created: 1, model: huge,
      choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1e308, completion_tokens: 1e308, total_tokens: 1e308 },
    });
    const sse = [
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: huge, choices: [{ index: 0, delta: { role: 'assistant', content: 'streamed' }, finish_reason: null }] })}`,
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: huge, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 1e308, completion_tokens: 12.5 } })}`,
      'data: [DONE]', '',
    ].join('\n\n');
    hostile!.script({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body }, { kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, body: sse });
    const json = await readJson(await gateway.post('/v1/agents/hostile/execute', { input: 'hi' }, as('ALPHA_KEY')));
    expect(json).toMatchObject({ output: 'fine', model: 'gpt-4o-mini', usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 } });
    const streamed = await (await gateway.post('/v1/agents/hostile/execute', { input: 'hi', stream: true }, as('ALPHA_KEY'))).text();
    expect(streamed).toContain('"model":"gpt-4o-mini"');
    expect(streamed).not.toContain('MMMMMMMMMM');
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).not.toContain('MMMMMMMMMM');
    expect(metrics).not.toMatch(/e\+30\d/);
    expect(sampleSum(parsePrometheus(metrics), 'ossa_llm_tokens_total', { provider: 'hostile' })).toBe(0);
    expect(gateway.output()).not.toContain('MMMMMMMMMM');
  });
});

describeTenants('file', (t) => {
  it('writes cache entries 0600 in directories 0700', async () => {
    await t().ask('support', { input: 'file modes' }, as('ALPHA_KEY'));
    const root = join(t().dir, 'cache');
    const modes: string[] = [];
    const walk = (path: string): void => {
      const mode = statSync(path).mode;
      modes.push(`${statSync(path).isDirectory() ? 'dir' : 'file'} ${(mode & 0o777).toString(8)}`);
      if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    };
    walk(root);
    expect(modes.filter((m) => m.startsWith('file')).length).toBeGreaterThan(3);
    expect(new Set(modes)).toEqual(new Set(['dir 700', 'file 600']));
  });
});

describeTenants('redis');
