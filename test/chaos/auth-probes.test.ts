import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../src/http/auth/key-ring.js';
import { CHAOS_SECRETS, saveChaosArtifact } from '../support/chaos-artifacts.js';
import type { ServeProcess } from '../support/cli-process.js';
import { hostileProject, saveServeArtifacts, startHostileServe, type HostileProject } from '../support/hostile-gateway.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';

// Auth probes against a real `serve` process whose keys are all recognisable fakes: wrong,
// missing, truncated and re-dressed keys; every admin route without the admin key; a client
// reaching outside its allow-list on every route that executes; and the timing of key checks.

const { clientKey, otherClientKey, adminKey, metricsToken } = CHAOS_SECRETS;
const bearer = (key: string) => `Bearer ${key}`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const OPENAI_PATH = /^\/v1\/(chat\/completions|models)/;

/** Every way to present a client key that must not open an agent route. */
function wrongClientCredentials(): [string, string | undefined][] {
  const probes: [string, string | undefined][] = [
    ['no header', undefined],
    ['empty bearer', 'Bearer'],
    ['bearer and a space', 'Bearer '],
    ['no space', `Bearer${clientKey}`],
    ['another scheme', `Token ${clientKey}`],
    ['the key alone', clientKey],
    ['basic with the client key', basic('web', clientKey)],
    ['key plus a character', bearer(`${clientKey}x`)],
    ['key with a trailing word', bearer(`${clientKey} extra`)],
    ['upper-cased key', bearer(clientKey.toUpperCase())],
    ['last character changed', bearer(`${clientKey.slice(0, -1)}${clientKey.endsWith('f') ? 'e' : 'f'}`)],
    ['the admin key', bearer(adminKey)],
    ['the metrics token', bearer(metricsToken)],
    ['a provider key', bearer(CHAOS_SECRETS.anthropicKey)],
    ['a NUL inside', bearer(`${clientKey.slice(0, 10)}%00${clientKey.slice(10)}`)],
  ];
  // Every truncation: a key that matches on its first n characters is still wrong.
  for (let n = 0; n < clientKey.length; n += 3) probes.push([`first ${n} characters`, bearer(clientKey.slice(0, n))]);
  return probes;
}

const AGENT_ROUTES: [string, string, unknown][] = [
  ['POST', '/v1/agents/faq/execute', { input: 'hi' }],
  ['POST', '/v1/agents/faq/execute', { input: 'hi', stream: true }],
  ['GET', '/v1/agents', undefined],
  ['GET', '/v1/agents/faq', undefined],
  ['POST', '/v1/chat/completions', { model: 'faq', messages: [{ role: 'user', content: 'hi' }] }],
  ['POST', '/v1/chat/completions', { model: 'faq', messages: [{ role: 'user', content: 'hi' }], stream: true }],
  ['GET', '/v1/models', undefined],
  ['GET', '/v1/models/faq', undefined],
];

const ADMIN_ROUTES: [string, string, unknown][] = [
  ['GET', '/status', undefined],
  ['GET', '/status.json', undefined],
  ['GET', '/v1/providers', undefined],
  ['DELETE', '/v1/cache', undefined],
  ['DELETE', '/v1/cache/agents/faq', undefined],
  // The cache is scoped by client here (clients are configured): an entry is named with its client.
  ['POST', '/v1/cache/invalidate', { agent: 'faq', input: 'hi', client_id: 'web' }],
];

describe('auth probes against `ossa-gateway serve`', () => {
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let project: HostileProject;
  let server: ServeProcess;
  const seen = new Map<string, number>();

  async function send(method: string, path: string, body: unknown, authorization: string | undefined): Promise<{ status: number; headers: Headers; text: string }> {
    const headers: Record<string, string> = {};
    if (authorization !== undefined) headers['authorization'] = authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    seen.set(`${method} ${path} ${res.status}`, (seen.get(`${method} ${path} ${res.status}`) ?? 0) + 1);
    saveChaosArtifact('auth-probes.bodies.txt', `${method} ${path} ${res.status} ${JSON.stringify([...res.headers])} ${text}`);
    return { status: res.status, headers: res.headers, text };
  }

  /** A 401 in the route's error shape, with the challenge, and no key in it. */
  function expectUnauthorized(path: string, answer: { status: number; headers: Headers; text: string }, challenge: RegExp, what: string): void {
    expect(answer.status, what).toBe(401);
    expect(answer.headers.get('www-authenticate'), what).toMatch(challenge);
    if (OPENAI_PATH.test(path)) {
      expect(JSON.parse(answer.text), what).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
    } else {
      expect(answer.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.text), what).toMatchObject({ status: 401, type: 'urn:ossa-gateway:problem:unauthorized' });
    }
    for (const secret of Object.values(CHAOS_SECRETS)) expect(answer.text, what).not.toContain(secret);
  }

  beforeAll(async () => {
    [anthropic, openai] = await Promise.all([startMockAnthropic(), startMockOpenAI()]);
    project = hostileProject({ anthropic: anthropic.url, openai: openai.url });
    server = await startHostileServe(project);
  });
  afterAll(async () => {
    saveChaosArtifact('auth-probes.summary.txt', `auth-probes: ${[...seen.values()].reduce((a, b) => a + b, 0)} requests: ${JSON.stringify(Object.fromEntries(seen))}`);
    await saveServeArtifacts('auth-probes', server, project);
    await Promise.all([anthropic.close(), openai.close()]);
  });

  it('answers every wrong, missing, truncated or re-dressed client key with a 401 on every agent route', async () => {
    for (const [method, path, body] of AGENT_ROUTES) {
      for (const [what, authorization] of wrongClientCredentials()) {
        const answer = await send(method, path, body, authorization);
        expectUnauthorized(path, answer, /^Bearer realm="ossa-gateway"/, `${what}: ${method} ${path}`);
      }
    }
    // The checks did not stop everything: the right key, however the scheme is spelled, opens the route.
    for (const authorization of [bearer(clientKey), `bearer ${clientKey}`, `BEARER   ${clientKey}`, `Bearer\t${clientKey}`, ` Bearer ${clientKey} `]) {
      expect((await send('POST', '/v1/agents/faq/execute', { input: 'hi' }, authorization)).status, JSON.stringify(authorization.replace(clientKey, '<key>'))).toBe(200);
    }
  });

  it('refuses every admin route without the admin key, with both challenges, and opens it with the key as Bearer or Basic password', async () => {
    const wrong: [string, string | undefined][] = [
      ['no header', undefined],
      ['a client key', bearer(clientKey)],
      ['the vault-held client key', bearer(otherClientKey)],
      ['the metrics token', bearer(metricsToken)],
      ['the admin key truncated', bearer(adminKey.slice(0, -1))],
      ['the admin key plus a character', bearer(`${adminKey}x`)],
      ['the admin key as the Basic user name', basic(adminKey, 'x')],
      ['the admin key as Basic without a colon', `Basic ${Buffer.from(adminKey).toString('base64')}`],
      ['a client key as the Basic password', basic('operator', clientKey)],
      ['an empty Basic password', basic('operator', '')],
      ['Basic that is not base64', 'Basic %%%'],
      ['another scheme', `Token ${adminKey}`],
    ];
    for (const [method, path, body] of ADMIN_ROUTES) {
      for (const [what, authorization] of wrong) {
        const answer = await send(method, path, body, authorization);
        expectUnauthorized(path, answer, /Basic realm="ossa-gateway admin"/, `${what}: ${method} ${path}`);
        expect(answer.headers.get('www-authenticate'), `${what}: ${method} ${path}`).toContain('Bearer realm="ossa-gateway admin"');
      }
      for (const authorization of [bearer(adminKey), basic('operator', adminKey), basic('', adminKey)]) {
        const answer = await send(method, path, body, authorization);
        expect(answer.status, `${method} ${path}`).toBeLessThan(300);
      }
    }
  });

  it('keeps /metrics to the metrics token', async () => {
    for (const authorization of [undefined, bearer(clientKey), bearer(adminKey), bearer(metricsToken.slice(0, -1)), basic('prom', clientKey)]) {
      expectUnauthorized('/metrics', await send('GET', '/metrics', undefined, authorization), /^Bearer realm="ossa-gateway metrics"/, String(authorization).slice(0, 12));
    }
    expect((await send('GET', '/metrics', undefined, bearer(metricsToken))).status).toBe(200);
    expect((await send('GET', '/metrics', undefined, basic('prom', metricsToken))).status).toBe(200);
  });

  it('answers 403 to a client outside its allow-list on every executing route, streamed or not, before any upstream call', async () => {
    const before = { anthropic: anthropic.requests.length, openai: openai.requests.length };
    const outside: [string, string, string][] = [
      [clientKey, 'billing', 'an existing agent of another client'],
      [clientKey, 'secret-agent', 'an agent that does not exist'],
      [otherClientKey, 'support', 'an existing agent, vault-held key'],
      [otherClientKey, 'faq', 'an echo agent, vault-held key'],
    ];
    for (const [key, agent, what] of outside) {
      const probes: [string, string, unknown][] = [
        ['POST', `/v1/agents/${agent}/execute`, { input: 'hi' }],
        ['POST', `/v1/agents/${agent}/execute`, { input: 'hi', stream: true }],
        ['GET', `/v1/agents/${agent}`, undefined],
        ['POST', '/v1/chat/completions', { model: agent, messages: [{ role: 'user', content: 'hi' }] }],
        ['POST', '/v1/chat/completions', { model: agent, messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }],
        ['GET', `/v1/models/${agent}`, undefined],
      ];
      for (const [method, path, body] of probes) {
        const answer = await send(method, path, body, bearer(key));
        const label = `${what}: ${method} ${path} ${JSON.stringify(body)}`;
        expect(answer.status, label).toBe(403);
        if (OPENAI_PATH.test(path)) expect(JSON.parse(answer.text), label).toMatchObject({ error: { code: 'model_not_allowed' } });
        else expect(JSON.parse(answer.text), label).toMatchObject({ type: 'urn:ossa-gateway:problem:agent-forbidden' });
        expect(answer.text, label).not.toContain('event:');
      }
    }
    expect({ anthropic: anthropic.requests.length, openai: openai.requests.length }).toEqual(before);
    // Listings show only what each client may use.
    const listed = JSON.parse((await send('GET', '/v1/models', undefined, bearer(otherClientKey))).text) as { data: { id: string }[] };
    expect(listed.data.map((m) => m.id)).toEqual(['billing']);
    // And inside the list the same routes work, so the 403s above are the allow-list's doing.
    expect((await send('POST', '/v1/chat/completions', { model: 'billing', messages: [{ role: 'user', content: 'hi' }] }, bearer(otherClientKey))).status).toBe(200);
  });
});

describe('the key comparison is constant-time', () => {
  /** The median per-call time of `fn` over `rounds` batches of `calls`, interleaved by the caller. */
  function perCall(fn: () => unknown, calls: number): number {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i += 1) fn();
    return Number(process.hrtime.bigint() - started) / calls;
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

  /** Medians of interleaved batches, so a busy neighbour slows every variant alike. */
  function timings(variants: Record<string, () => unknown>): Record<string, number> {
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (let round = 0; round < 41; round += 1) {
      for (const [name, fn] of Object.entries(variants)) samples[name]!.push(perCall(fn, 200));
    }
    return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
  }

  it('takes as long for a near miss as for a far miss, and for the first key as for none (no early exit)', () => {
    const ring = new KeyRing<string>();
    ring.addKey(clientKey, 'web');
    for (let i = 0; i < 63; i += 1) ring.addKey(randomBytes(24).toString('hex'), `filler-${i}`);
    const last = randomBytes(24).toString('hex');
    ring.addKey(last, 'last');
    expect(ring.match(clientKey)).toBe('web');
    expect(ring.match(last)).toBe('last');
    const nearMiss = `${clientKey.slice(0, -1)}0`;
    const farMiss = `X${clientKey.slice(1)}`;
    expect(ring.match(nearMiss)).toBeUndefined();
    const t = timings({ first: () => ring.match(clientKey), last: () => ring.match(last), nearMiss: () => ring.match(nearMiss), farMiss: () => ring.match(farMiss) });
    saveChaosArtifact('auth-probes.timing.txt', `KeyRing.match of 65 keys, ns per call (median of 41 batches of 200): ${JSON.stringify(t)}`);
    // An early exit after the first key would make `first` ~10x faster than `last` with 65
    // keys; a character-by-character comparison would separate near and far misses. The
    // bound is generous, so a loaded machine does not fail it.
    const ratio = (a: number, b: number) => Math.max(a, b) / Math.min(a, b);
    expect(ratio(t['first']!, t['last']!), JSON.stringify(t)).toBeLessThan(2);
    expect(ratio(t['nearMiss']!, t['farMiss']!), JSON.stringify(t)).toBeLessThan(2);
    expect(ratio(t['first']!, t['nearMiss']!), JSON.stringify(t)).toBeLessThan(2);
  });

  it('compares fixed-length SHA-256 digests with timingSafeEqual', () => {
    const source = readFileSync(new URL('../../src/http/auth/key-ring.ts', import.meta.url), 'utf8');
    expect(source).toMatch(/\b(?:createHash|hash)\('sha256'/);
    expect(source).toMatch(/timingSafeEqual\(digest, entry\.digest\)/);
    // The comparison loop has no early return.
    const loop = /for \(const entry of this\.entries\) \{([\s\S]*?)\n {4}\}/.exec(source)?.[1] ?? '';
    expect(loop).toContain('timingSafeEqual');
    expect(loop).not.toMatch(/return|break/);
  });
});
