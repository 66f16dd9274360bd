import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentManifest, readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, type MockUpstream } from '../support/mock-upstreams.js';

const ANTHROPIC_KEY = 'sk-ant-TESTKEY-status-DDDDDDDDDD';
const CLIENT_KEY = 'client-key-TESTKEY-EEEEEEEEEE';
const ADMIN_KEY = 'admin-key-TESTKEY-FFFFFFFFFF';

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

describe('GET /status and /status.json', () => {
  let anthropic: MockUpstream;
  let t: TestGateway;

  beforeAll(async () => {
    anthropic = await startMockAnthropic();
    t = await startTestGateway({
      ossa: {
        providers: {
          // One failure opens the circuit: the page's "open" comes from the real breaker.
          claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 2, max_retries: 0, circuit_breaker: { failure_threshold: 1 } },
          gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}' },
        },
        rate_limit: { enabled: false },
        cache: { enabled: false },
      },
      agents: { support: agentManifest('support', { provider: 'anthropic', model: 'claude-sonnet-4-5' }) },
      env: { ANTHROPIC_API_KEY: ANTHROPIC_KEY },
    });
  });
  afterAll(async () => {
    await t.close();
    await anthropic.close();
  });

  it('serves one self-contained page whose Content-Security-Policy allows exactly its own inline script and style', async () => {
    const res = await t.get('/status');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const style = /<style>([\s\S]*)<\/style>/.exec(html)![1]!;
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    // Nothing to fetch from elsewhere: no external script, stylesheet, font or image.
    expect(html).not.toMatch(/(src|href)=["']https?:/);
    expect(html).toContain("fetch('status.json'");
  });

  it('reports traffic, errors, providers and the last errors, fed by real requests', async () => {
    for (let i = 0; i < 3; i++) expect((await t.post('/v1/agents/support/execute', { input: `hello ${i}` })).status).toBe(200);
    anthropic.fail({ status: 401, message: `invalid x-api-key ${ANTHROPIC_KEY}` });
    expect((await t.post('/v1/agents/support/execute', { input: 'my secret question' }, { 'x-request-id': 'status-err-1' })).status).toBe(502);
    // A refusal (401) says nothing about the upstream's health; a 500 does, and opens the circuit.
    anthropic.fail({ status: 500 });
    expect((await t.post('/v1/agents/support/execute', { input: 'another secret question' }, { 'x-request-id': 'status-err-2' })).status).toBe(503);

    const res = await t.get('/status.json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    const s = JSON.parse(text);
    expect(s.traffic.requests).toBe(5);
    expect(s.traffic.errors).toBe(2);
    expect(s.traffic.error_rate).toBe(0.4);
    expect(s.traffic.p50_ms).toBeGreaterThan(0);
    expect(s.traffic.p95_ms).toBeGreaterThanOrEqual(s.traffic.p50_ms);
    expect(s.traffic.overhead_p95_ms).toBeGreaterThan(0);
    expect(s.providers).toEqual([
      expect.objectContaining({ name: 'claude', type: 'anthropic', state: 'open', served: 3, failed: 2, upstream_errors: 2, detail: 'opened after 1 consecutive failure' }),
      expect.objectContaining({ name: 'gpt', state: 'disabled', detail: 'no API key: OPENAI_API_KEY is not set' }),
      expect.objectContaining({ name: 'echo', state: 'closed' }),
    ]);
    expect(s.recent_errors.map((e: { request_id: string; status: number }) => [e.request_id, e.status])).toEqual([['status-err-2', 500], ['status-err-1', 401]]);
    expect(s.recent_errors[1]).toMatchObject({ source: 'execution', agent: 'support', provider: 'claude', kind: 'http' });
    expect(s.providers[0].half_open_at).toBe(t.gateway.circuits.get('claude')!.toJSON().half_open_at);
    expect(text).not.toContain(ANTHROPIC_KEY);
    expect(text).not.toContain('TESTKEY');
    expect(text).not.toContain('secret question');
  });

  it('does not count its own polling, health checks or scrapes as traffic', async () => {
    const before = (await readJson(await t.get('/status.json'))).traffic.requests;
    for (const path of ['/status', '/status.json', '/healthz', '/readyz', '/metrics']) await t.get(path);
    expect((await readJson(await t.get('/status.json'))).traffic.requests).toBe(before);
  });
});

describe('status page protection when clients are configured', () => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway({
      ossa: { security: { clients: [{ id: 'app', key: '${CLIENT_KEY}' }], admin_keys: ['${ADMIN_KEY}'] } },
      agents: { a: agentManifest('a') },
      env: { CLIENT_KEY, ADMIN_KEY },
    });
  });
  afterAll(() => t.close());

  for (const path of ['/status', '/status.json']) {
    it(`${path} answers 401 with a login challenge without the admin key`, async () => {
      const res = await t.get(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="ossa-gateway admin"/);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await readJson(res)).toMatchObject({ status: 401, type: 'urn:ossa-gateway:problem:unauthorized' });
    });

    it(`${path} refuses a client key, a wrong key and a malformed header`, async () => {
      for (const authorization of [`Bearer ${CLIENT_KEY}`, `Bearer ${ADMIN_KEY}x`, basic('admin', 'nope'), 'Bearer', 'Basic !!!', ADMIN_KEY]) {
        const res = await t.get(path, { authorization });
        expect(res.status, authorization).toBe(401);
        expect(await res.text()).not.toContain(ADMIN_KEY);
      }
    });

    it(`${path} opens with the admin key as a bearer key or as the password a browser sends`, async () => {
      expect((await t.get(path, { authorization: `Bearer ${ADMIN_KEY}` })).status).toBe(200);
      expect((await t.get(path, { authorization: basic('operator', ADMIN_KEY) })).status).toBe(200);
    });
  }

  it('refuses to start when an admin key does not resolve, naming the key path and never a value', async () => {
    const attempt = startTestGateway({
      ossa: { security: { clients: [{ id: 'app', key: '${CLIENT_KEY}' }], admin_keys: ['${MISSING_ADMIN_KEY}'] } },
      agents: { a: agentManifest('a') },
      env: { CLIENT_KEY },
    });
    await expect(attempt).rejects.toMatchObject({
      name: 'SourceError',
      issues: [expect.objectContaining({ path: 'security.admin_keys[0]', message: 'cannot be resolved: MISSING_ADMIN_KEY is not set' })],
    });
    expect(String(await attempt.catch((error: unknown) => error))).not.toContain(CLIENT_KEY);
  });
});

describe('who may open the status page (one admin guard for every admin route)', () => {
  const paths = ['/status', '/status.json'] as const;
  const open = async (ossa: Record<string, unknown>, env: Record<string, string> = {}) => startTestGateway({ ossa, agents: { a: agentManifest('a') }, env });

  it('asks for the admin key when admin keys are configured, even without clients', async () => {
    const t = await open({ security: { admin_keys: ['${ADMIN_KEY}'] } }, { ADMIN_KEY });
    try {
      for (const path of paths) {
        expect((await t.get(path)).status).toBe(401);
        expect((await t.get(path, { authorization: basic('operator', ADMIN_KEY) })).status).toBe(200);
      }
      // The agents stay open: admin keys guard the admin routes only.
      expect((await t.post('/v1/agents/a/execute', { input: 'x' })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('answers 403 admin-disabled when clients are configured without admin keys, and in prod without any key', async () => {
    for (const ossa of [{ security: { clients: [{ id: 'app', key: '${CLIENT_KEY}' }] } }, { env: 'prod' }]) {
      const t = await open(ossa, { CLIENT_KEY });
      try {
        for (const path of paths) {
          const res = await t.get(path, { authorization: `Bearer ${CLIENT_KEY}` });
          expect(res.status).toBe(403);
          expect(await readJson(res)).toMatchObject({ type: 'urn:ossa-gateway:problem:admin-disabled', detail: expect.stringMatching(/set security\.admin_keys/) });
        }
      } finally {
        await t.close();
      }
    }
  });
});
