import { afterEach, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/http/http-app.js';
import { agentManifest, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { useMockUpstreams } from '../support/mock-upstreams.js';

describe('a request that arrives while the gateway shuts down', () => {
  const { anthropic } = useMockUpstreams();
  let t: TestGateway | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  // On a kept-alive connection a request can still arrive after SIGTERM, before the server stops
  // reading (test/chaos/shutdown.test.ts sees a few per run). It used to get Fastify's own 503, a
  // plain JSON body without request id; every other error is problem+json.
  it('is refused with a 503 problem+json that names its request id, without calling an upstream', async () => {
    t = await startTestGateway({
      ossa: { providers: { claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, model: 'm' } }, cache: { enabled: false } },
      agents: { a: agentManifest('a', { provider: 'claude' }) },
      env: { ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-refusal-0000' },
    });
    // The same gateway, seen at the moment its close() has begun (which also means draining).
    const app = await buildHttpApp({ ...t.gateway, shuttingDown: true, draining: true });
    try {
      const res = await app.inject({ method: 'POST', url: '/v1/agents/a/execute', headers: { 'content-type': 'application/json', 'x-request-id': 'late-1' }, payload: { input: 'hello' } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.headers['connection']).toBe('close');
      expect(res.json()).toMatchObject({ type: 'urn:ossa-gateway:problem:shutting-down', status: 503, request_id: 'late-1' });
      expect(anthropic.requests).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});
