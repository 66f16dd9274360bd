import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createGateway, type Gateway } from '../gateway.js';
import { createLogger } from '../observability/logger.js';

// Hostile input found by test/chaos/fuzz-http.test.ts: each was a 500 or a non-problem+json answer.
describe('the HTTP app answers hostile input with problem+json', () => {
  let gateway: Gateway;
  let app: FastifyInstance;
  beforeAll(async () => {
    gateway = await createGateway({ config: { manifest_paths: [], cache: { enabled: true } }, env: {}, logger: createLogger({ level: 'silent' }) });
    app = await gateway.server();
  });
  afterAll(() => gateway.close());

  it('refuses a context nested deeper than 32 levels with a 400 (it overflowed the stack: a 500)', async () => {
    const context = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    for (const [url, body] of [['/v1/agents/any/execute', `{"input":"x","context":${context}}`], ['/v1/cache/invalidate', `{"agent":"any","input":"x","context":${context}}`]] as const) {
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: body });
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ type: 'urn:ossa-gateway:problem:invalid-request', detail: 'body.context is nested more than 32 levels deep' });
    }
  });

  it('answers a URL that does not decode on the OpenAI paths in their shape, with a request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/models/%ff%fe' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json()).toMatchObject({ error: { message: expect.any(String) } });
  });

  it('answers a URL that does not decode and an overlong path segment as problem+json with a request id', async () => {
    for (const [url, status] of [['/v1/agents/%ff%fe/execute', 400], [`/v1/agents/${'a'.repeat(101)}`, 414]] as const) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(res.headers['x-request-id'], url).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.json(), url).toMatchObject({ status, request_id: res.headers['x-request-id'] });
    }
  });
});
