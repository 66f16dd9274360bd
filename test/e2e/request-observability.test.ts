import { rmSync } from 'node:fs';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HttpRequestEvent } from '../../src/events/gateway-events.js';
import { agentManifest, startTestGateway, tempDir, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, type MockUpstream } from '../support/mock-upstreams.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/observability/logger.js';

describe('the http.request event of every request', () => {
  let anthropic: MockUpstream;
  let t: TestGateway;
  const seen: HttpRequestEvent[] = [];

  beforeAll(async () => {
    anthropic = await startMockAnthropic();
    t = await startTestGateway({
      ossa: { providers: { claude: { type: 'anthropic', api_key: '${KEY}', base_url: anthropic.url, timeout: 5 } } },
      agents: { support: agentManifest('support', { provider: 'anthropic', model: 'claude-sonnet-4-5' }) },
      env: { KEY: 'sk-ant-TESTKEY-observe-0000' },
    });
    t.gateway.events.on('http.request', (event) => {
      seen.push(event);
    });
  });
  afterAll(async () => {
    await t.close();
    await anthropic.close();
  });

  it('reports a request\'s upstream calls and time, so the overhead is the rest', async () => {
    anthropic.script({ kind: 'reply', delayMs: 40 });
    const res = await t.post('/v1/agents/support/execute', { input: 'x' }, { 'x-request-id': 'obs-1' });
    expect(res.status).toBe(200);
    const event = seen.find((e) => e.requestId === 'obs-1')!;
    expect(event).toMatchObject({ method: 'POST', route: '/v1/agents/:name/execute', status: 200, traffic: true, upstreamCalls: 1, waitedMs: 0 });
    expect(event.upstreamMs).toBeGreaterThanOrEqual(35);
    expect(event.durationMs).toBeGreaterThan(event.upstreamMs);
    expect(t.gateway.observability.upstreamTime.size).toBe(0);
  });
});

describe('a client that hangs up before the answer', () => {
  it('is reported as 499, stops the upstream call, and leaves nothing behind', async () => {
    const anthropic = await startMockAnthropic();
    // A gateway of its own: no earlier keep-alive connection to wait for when it closes.
    const t = await startTestGateway({
      ossa: { providers: { claude: { type: 'anthropic', api_key: '${KEY}', base_url: anthropic.url, timeout: 5 } } },
      agents: { support: agentManifest('support', { provider: 'anthropic', model: 'claude-sonnet-4-5' }) },
      env: { KEY: 'sk-ant-TESTKEY-observe-0000' },
    });
    const seen: HttpRequestEvent[] = [];
    t.gateway.events.on('http.request', (event) => {
      seen.push(event);
    });
    try {
      anthropic.script({ kind: 'hang' });
      const controller = new AbortController();
      const pending = fetch(`${t.url}/v1/agents/support/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'obs-abort' },
        body: JSON.stringify({ input: 'x' }),
        signal: controller.signal,
      }).catch(() => 'hung up');
      await anthropic.until(() => anthropic.requests.length > 0);
      controller.abort();
      expect(await pending).toBe('hung up');
      await anthropic.until(() => anthropic.requests[0]!.aborted);
      await vi.waitFor(() => expect(seen).toHaveLength(1));
      expect(seen[0]).toMatchObject({ requestId: 'obs-abort', status: 499, traffic: true, upstreamCalls: 0 });
      expect(t.gateway.observability.upstreamTime.size).toBe(0);
      const status = JSON.parse(await (await t.get('/status.json')).text());
      // Counted as a request, not as an error: nothing failed on our side.
      expect(status.traffic).toMatchObject({ requests: 1, errors: 0 });
    } finally {
      await t.close();
      await anthropic.close();
    }
  });
});

describe('the gateway mounted under a prefix in a host application', () => {
  it('serves /metrics and the status page under the prefix, and still tells its own polling from traffic', async () => {
    const dir = tempDir({ 'agents/a.ossa.yaml': agentManifest('a') });
    const gateway = await createGateway({ config: { ossa: { manifest_paths: ['agents'] } }, baseDir: dir, env: {}, logger: createLogger({ level: 'silent' }) });
    const app = Fastify();
    await app.register(gateway.plugin, { prefix: '/ai' });
    try {
      expect((await app.inject({ method: 'POST', url: '/ai/v1/agents/a/execute', payload: { input: 'x' } })).statusCode).toBe(200);
      for (const url of ['/ai/status', '/ai/metrics', '/ai/healthz']) expect((await app.inject({ url })).statusCode).toBe(200);
      const status = JSON.parse((await app.inject({ url: '/ai/status.json' })).body);
      expect(status.traffic.requests).toBe(1);
      const metrics = (await app.inject({ url: '/ai/metrics' })).body;
      expect(metrics).toContain('ossa_http_requests_total{method="POST",route="/ai/v1/agents/:name/execute",status="200"} 1');
    } finally {
      await app.close();
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
