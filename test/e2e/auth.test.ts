import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/config/source-issue.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/observability/logger.js';
import { agentManifest, readJson, startTestGateway, tempDir, type TestGateway } from '../support/gateway-harness.js';

const WEB_KEY = 'ossa-client-WEBKEY-7f3a9c1e5b';
const BATCH_KEY = 'ossa-client-BATCHKEY-2d8e4f6a0c';
const ADMIN_KEY = 'ossa-admin-ADMINKEY-9b1c3d5e7f';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('authentication with configured clients', () => {
  let t: TestGateway;
  const users: (string | undefined)[] = [];

  beforeAll(async () => {
    t = await startTestGateway({
      ossa: {
        security: {
          clients: [
            { id: 'web', key: '${WEB_KEY}', agents: ['support-*', 'faq'] },
            { id: 'batch', key_sha256: createHash('sha256').update(BATCH_KEY).digest('hex') },
          ],
          admin_keys: ['${ADMIN_KEY}'],
          trust_user_header: true,
        },
      },
      agents: { 'support-orders': agentManifest('support-orders'), faq: agentManifest('faq'), billing: agentManifest('billing'), support: agentManifest('support') },
      env: { WEB_KEY, ADMIN_KEY },
    });
    t.gateway.events.on('agent.execution.start', (event) => void users.push(event.userId));
  });
  afterAll(() => t.close());

  it('answers 401 with WWW-Authenticate: Bearer without a key, with a wrong one, or with another scheme', async () => {
    const missing = await t.post('/v1/agents/faq/execute', { input: 'hi' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="ossa-gateway"');
    expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await readJson(missing)).toMatchObject({ type: 'urn:ossa-gateway:problem:unauthorized', status: 401, detail: 'send a client API key as "Authorization: Bearer <key>" or "x-api-key: <key>"' });

    const wrong = await t.post('/v1/agents/faq/execute', { input: 'hi' }, bearer(`${WEB_KEY}x`));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="ossa-gateway", error="invalid_token"');
    expect((await readJson(wrong)).detail).toBe('the API key is not valid');

    const basic = await t.post('/v1/agents/faq/execute', { input: 'hi' }, { authorization: `Basic ${Buffer.from(`web:${WEB_KEY}`).toString('base64')}` });
    expect(basic.status).toBe(401);
    expect((await t.get('/v1/agents')).status).toBe(401);
    expect((await t.get('/v1/agents/faq')).status).toBe(401);
  });

  it('checks the key before reading the body', async () => {
    const res = await t.post('/v1/agents/faq/execute', '{not json');
    expect(res.status).toBe(401);
  });

  it('admits a client with its key (as a secret reference or as a SHA-256 digest)', async () => {
    const web = await t.post('/v1/agents/faq/execute', { input: 'hi' }, bearer(WEB_KEY));
    expect(web.status).toBe(200);
    expect(await readJson(web)).toMatchObject({ output: '[echo] hi' });
    const batch = await t.post('/v1/agents/billing/execute', { input: 'hi' }, { authorization: `bearer   ${BATCH_KEY}` });
    expect(batch.status).toBe(200);
  });

  it("answers 403 for an agent outside the client's allow-list, existing or not, and 404 inside it", async () => {
    const forbidden = await t.post('/v1/agents/billing/execute', { input: 'hi' }, bearer(WEB_KEY));
    expect(forbidden.status).toBe(403);
    expect(await readJson(forbidden)).toMatchObject({ type: 'urn:ossa-gateway:problem:agent-forbidden', detail: 'client "web" may not use "billing"' });
    expect((await t.post('/v1/agents/secret-agent/execute', { input: 'hi' }, bearer(WEB_KEY))).status).toBe(403);
    const unknown = await t.post('/v1/agents/support-order/execute', { input: 'hi' }, bearer(WEB_KEY));
    expect(unknown.status).toBe(404);
    expect((await readJson(unknown)).detail).toBe('no agent named "support-order"; did you mean "support-orders"?');
    // "Did you mean" never names an agent outside the client's list ("support" is not "support-*").
    expect((await readJson(await t.post('/v1/agents/support-/execute', { input: 'hi' }, bearer(BATCH_KEY)))).detail).toBe('no agent named "support-"; did you mean "support"?');
    const hidden = await t.post('/v1/agents/support-/execute', { input: 'hi' }, bearer(WEB_KEY));
    expect(hidden.status).toBe(404);
    expect((await readJson(hidden)).detail).not.toContain('"support"');
    expect((await readJson(await t.get('/v1/agents/support-', bearer(WEB_KEY)))).detail).not.toContain('"support"');
    expect((await t.post('/v1/agents/support-orders/execute', { input: 'hi' }, bearer(WEB_KEY))).status).toBe(200);
    expect((await t.get('/v1/agents/billing', bearer(WEB_KEY))).status).toBe(403);
    const listed = await readJson(await t.get('/v1/agents', bearer(WEB_KEY)));
    expect(listed.agents.map((a: { name: string }) => a.name).sort()).toEqual(['faq', 'support-orders']);
    const all = await readJson(await t.get('/v1/agents', bearer(BATCH_KEY)));
    expect(all.agents).toHaveLength(4);
  });

  it("runs as the client, or as the client's end user from X-User-Id (trust_user_header)", async () => {
    users.length = 0;
    await t.post('/v1/agents/faq/execute', { input: 'who' }, bearer(WEB_KEY));
    await t.post('/v1/agents/faq/execute', { input: 'who' }, { ...bearer(WEB_KEY), 'x-user-id': 'alice' });
    await t.post('/v1/agents/faq/execute', { input: 'who' }, { ...bearer(BATCH_KEY), 'x-user-id': 'alice' });
    expect(users).toEqual(['web', 'web:alice', 'batch:alice']);
    const long = await t.post('/v1/agents/faq/execute', { input: 'who' }, { ...bearer(WEB_KEY), 'x-user-id': 'u'.repeat(300) });
    expect(long.status).toBe(400);
  });

  it('leaves the health routes open', async () => {
    expect((await t.get('/healthz')).status).toBe(200);
    expect((await t.get('/readyz')).status).toBe(200);
  });

  it('guards the admin routes with an admin key: a client key is not one', async () => {
    const none = await fetch(`${t.url}/v1/cache`, { method: 'DELETE' });
    expect(none.status).toBe(401);
    // Both ways of sending the admin key are offered: a browser answers the Basic one with its login prompt.
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="ossa-gateway admin", charset="UTF-8", Bearer realm="ossa-gateway admin"');
    const client = await fetch(`${t.url}/v1/cache`, { method: 'DELETE', headers: bearer(WEB_KEY) });
    expect(client.status).toBe(401);
    expect(client.headers.get('www-authenticate')).toContain('Bearer realm="ossa-gateway admin", error="invalid_token"');
    expect((await t.post('/v1/cache/invalidate', { agent: 'faq', input: 'hi' }, bearer(BATCH_KEY))).status).toBe(401);
    expect((await fetch(`${t.url}/v1/cache`, { method: 'DELETE', headers: basic('operator', WEB_KEY) })).status).toBe(401);
    const admin = await fetch(`${t.url}/v1/cache`, { method: 'DELETE', headers: bearer(ADMIN_KEY) });
    expect(admin.status).toBe(200);
    expect((await fetch(`${t.url}/v1/cache`, { method: 'DELETE', headers: basic('operator', ADMIN_KEY) })).status).toBe(200);
    // Every admin route has the same guard: the provider list (internal hosts, key origins) and the status page too.
    for (const path of ['/v1/providers', '/status.json']) {
      expect((await t.get(path, bearer(WEB_KEY))).status, path).toBe(401);
      expect((await t.get(path, bearer(ADMIN_KEY))).status, path).toBe(200);
    }
    // A client key travels as Bearer only: the Basic password is for people at a browser's prompt.
    expect((await t.post('/v1/agents/faq/execute', { input: 'hi' }, basic('web', WEB_KEY))).status).toBe(401);
    // The admin key is not a client key either.
    expect((await t.post('/v1/agents/faq/execute', { input: 'hi' }, bearer(ADMIN_KEY))).status).toBe(401);
  });

  it('never writes a key to a log line or an error body', async () => {
    const bodies: string[] = [];
    for (const key of [WEB_KEY, BATCH_KEY, ADMIN_KEY, `${WEB_KEY}x`]) {
      for (const res of [
        await t.post('/v1/agents/billing/execute', { input: 'hi' }, bearer(key)),
        await t.post('/v1/agents/nobody/execute', { input: 'hi' }, bearer(key)),
        await fetch(`${t.url}/v1/cache`, { method: 'DELETE', headers: bearer(key) }),
      ]) {
        bodies.push(await res.text());
      }
    }
    const everything = [...bodies, ...t.logs.raw].join('\n');
    for (const key of [WEB_KEY, BATCH_KEY, ADMIN_KEY]) expect(everything).not.toContain(key);
    expect(everything).not.toContain('WEBKEY');
  });
});

describe('authentication without configured clients (the development default)', () => {
  it('lets anyone call, as their IP address, or as X-User-Id only when trusted', async () => {
    for (const trust of [false, true]) {
      const t = await startTestGateway({ ossa: { security: { trust_user_header: trust } }, agents: { faq: agentManifest('faq') } });
      const users: (string | undefined)[] = [];
      t.gateway.events.on('agent.execution.start', (event) => void users.push(event.userId));
      await t.post('/v1/agents/faq/execute', { input: 'hi' }, { 'x-user-id': 'alice' });
      await t.post('/v1/agents/faq/execute', { input: 'hi' });
      expect(users).toEqual(trust ? ['alice', '127.0.0.1'] : ['127.0.0.1', '127.0.0.1']);
      // An open dev gateway has open admin routes; nothing else does.
      expect((await fetch(`${t.url}/v1/cache`, { method: 'DELETE' })).status).toBe(200);
      await t.close();
    }
  });

  it('refuses the admin routes when clients are configured without admin keys, or in prod', async () => {
    const withClients = await startTestGateway({ ossa: { security: { clients: [{ id: 'web', key: 'literal-dev-key' }] } }, agents: { faq: agentManifest('faq') } });
    const res = await fetch(`${withClients.url}/v1/cache`, { method: 'DELETE', headers: bearer('literal-dev-key') });
    expect(res.status).toBe(403);
    expect(await readJson(res)).toMatchObject({ type: 'urn:ossa-gateway:problem:admin-disabled' });
    // In dev a plain-text key works, with a warning that names where it is (never the key).
    expect(withClients.logs.messages()).toContain('security.clients[0].key is written in plain text in the config; use ${VAR}, file:/run/secrets/..., vault:NAME or key_sha256 instead');
    expect(withClients.logs.raw.join('\n')).not.toContain('literal-dev-key');
    await withClients.close();
    const prod = await startTestGateway({ ossa: { env: 'prod' }, agents: { faq: agentManifest('faq') } });
    expect((await fetch(`${prod.url}/v1/cache`, { method: 'DELETE' })).status).toBe(403);
    await prod.close();
  });
});

describe('key configuration errors', () => {
  it('refuses to start when a key reference cannot be resolved, or a key is plain text in prod, naming each key', async () => {
    const dir = tempDir({ 'agents/faq.ossa.yaml': agentManifest('faq') });
    const attempt = createGateway({
      config: {
        env: 'prod',
        manifest_paths: [`${dir}/agents`],
        security: { clients: [{ id: 'web', key: '${WEB_KEY}' }, { id: 'cli', key: 'plain-text-key' }], admin_keys: [`file:${dir}/missing-admin-key`] },
      },
      env: {},
      logger: createLogger({ level: 'silent' }),
    });
    await expect(attempt).rejects.toBeInstanceOf(SourceError);
    const error = (await attempt.catch((e: unknown) => e)) as SourceError;
    const messages = error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(messages).toContain('security.clients[0].key: cannot be resolved: WEB_KEY is not set');
    expect(messages).toContain('security.clients[1].key: is written in plain text; in prod use ${VAR}, file:/run/secrets/..., vault:NAME or key_sha256');
    expect(messages.some((m) => m.startsWith('security.admin_keys[0]: cannot be resolved: secret file') && m.includes('cannot be read'))).toBe(true);
    expect(error.message).not.toContain('plain-text-key');
  });
});
