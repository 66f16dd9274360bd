import { describe, expect, it } from 'vitest';
import { createGateway } from '../../gateway.js';
import { createLogger } from '../../observability/logger.js';

describe('GET /v1/providers', () => {
  it('describes every provider without its key or the credentials of its base_url', async () => {
    const gateway = await createGateway({
      config: {
        providers: {
          proxy: { type: 'openai-compatible', base_url: 'https://gw-user:PROXYPASS-9f2e@llm-proxy.example/v1', api_key: '${PROXY_KEY}', model: 'm' },
          openai: { api_key: '${OPENAI_API_KEY}', circuit_breaker: { enabled: false } },
        },
        manifest_paths: [],
      },
      env: { PROXY_KEY: 'sk-PROXYKEY-1b2c3d4e' },
      logger: createLogger({ level: 'silent' }),
    });
    const app = await gateway.server();
    const res = await app.inject({ url: '/v1/providers' });
    await gateway.close();
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('PROXYPASS');
    expect(res.body).not.toContain('PROXYKEY');
    const byName = Object.fromEntries((res.json() as { providers: { name: string }[] }).providers.map((p) => [p.name, p]));
    expect(byName['proxy']).toMatchObject({
      type: 'openai-compatible',
      enabled: true,
      base_url: 'https://llm-proxy.example/v1',
      key_origin: 'env:PROXY_KEY',
      max_retries: 2,
      circuit: { state: 'closed', consecutive_failures: 0, failure_threshold: 5 },
    });
    expect(byName['openai']).toMatchObject({ enabled: false, disabled_reason: 'no API key: OPENAI_API_KEY is not set', max_retries: 2, circuit: { state: 'disabled' } });
    expect(byName['echo']).toMatchObject({ type: 'echo', enabled: true, key_origin: null });
  });
});
