import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentManifest, readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { testKeyPrefix } from '../support/test-redis.js';

/** Nothing listens there: every command fails at once. */
const DEAD_REDIS = 'redis://127.0.0.1:1';

describe('token budgets when their Redis is down', () => {
  let open: TestGateway;
  let closed: TestGateway;
  const start = (failOpen: boolean) =>
    startTestGateway({
      agents: { support: agentManifest('support', {}, '  constraints:\n    cost: { maxTokensPerDay: 100000 }\n') },
      ossa: {
        redis: { url: DEAD_REDIS, key_prefix: testKeyPrefix(), command_timeout_ms: 200 },
        budgets: { storage: 'redis', fail_open: failOpen },
        rate_limit: { enabled: false },
        security: { audit_logging: false },
      },
    });

  beforeAll(async () => {
    [open, closed] = await Promise.all([start(true), start(false)]);
  });
  afterAll(async () => {
    await Promise.all([open?.close(), closed?.close()]);
  });

  it('admits unchecked with fail_open: true, saying so once in the log', async () => {
    for (const input of ['one', 'two']) expect((await open.post('/v1/agents/support/execute', { input })).status).toBe(200);
    expect(open.gateway.budgets!.failOpenAdmissions).toBe(2);
    expect(open.logs.lines.filter((l) => String(l['msg']).startsWith('budget store (redis) failed: admitting requests unchecked (fail_open)'))).toHaveLength(1);
  });

  it('refuses with 503 and Retry-After: 1 with fail_open: false, and is not ready', async () => {
    const res = await closed.post('/v1/agents/support/execute', { input: 'three' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await readJson(res)).toMatchObject({ type: 'urn:ossa-gateway:problem:budget-unavailable', detail: expect.stringContaining('budgets.fail_open: false') });
    const chat = await closed.post('/v1/chat/completions', { model: 'support', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.status).toBe(503);
    expect((await readJson(chat)).error).toMatchObject({ type: 'server_error', code: 'service_unavailable' });
    expect((await closed.get('/readyz')).status).toBe(503);
    expect((await open.get('/readyz')).status).toBe(200);
  });
});
