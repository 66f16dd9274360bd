import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentManifest, readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';

// The OpenAI surface's errors outside its routes, and CORS: one gateway, echo provider, no upstream.
describe('the HTTP surfaces: OpenAI errors everywhere on the OpenAI paths, CORS for browser apps', () => {
  let t: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    t = await startTestGateway({
      ossa: { server: { cors: { origins: ['https://app.example.com', 'https://*.example.org'], max_age: 300 } } },
      agents: { support: agentManifest('support') },
    });
    client = new OpenAI({ apiKey: 'no-key-in-dev', baseURL: `${t.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers an unknown /v1 route in OpenAI\'s shape, which the SDK shows with its message (not "404 (no body)")', async () => {
    const res = await t.post('/v1/embeddings', { model: 'support', input: 'hi' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(await readJson(res)).toEqual({ error: { message: expect.stringMatching(/^Invalid URL \(POST \/v1\/embeddings\)/), type: 'invalid_request_error', param: null, code: null } });
    const error = await client.embeddings.create({ model: 'support', input: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as Error).message).toContain('Invalid URL (POST /v1/embeddings)');
  });

  it('answers a wrong method on an OpenAI route 405 with Allow, in OpenAI\'s shape', async () => {
    const res = await t.get('/v1/chat/completions');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await readJson(res)).toEqual({ error: { message: 'GET is not allowed on /v1/chat/completions; use POST', type: 'invalid_request_error', param: null, code: null } });
    const models = await t.post('/v1/models', {});
    expect(models.status).toBe(405);
    expect(models.headers.get('allow')).toBe('GET, HEAD');
  });

  it('reads an explicit null as "not set" for every optional chat parameter, as the SDKs send them', async () => {
    const nulls = Object.fromEntries(
      ['temperature', 'max_tokens', 'max_completion_tokens', 'stream', 'stream_options', 'n', 'stop', 'tools', 'tool_choice', 'parallel_tool_calls', 'functions', 'function_call', 'response_format',
        'logprobs', 'top_logprobs', 'modalities', 'audio', 'web_search_options', 'prediction', 'top_p', 'frequency_penalty', 'presence_penalty', 'seed', 'logit_bias', 'user',
        'safety_identifier', 'prompt_cache_key', 'metadata', 'store', 'service_tier', 'reasoning_effort', 'verbosity'].map((key) => [key, null]),
    );
    const res = await t.post('/v1/chat/completions', { model: 'support', messages: [{ role: 'user', content: 'nulls' }, { role: 'assistant', content: 'ok', tool_calls: null, name: null }, { role: 'user', content: 'again' }], ...nulls });
    expect(res.status).toBe(200);
    expect((await readJson(res)).choices[0].message).toMatchObject({ role: 'assistant', content: expect.any(String) });
  });

  it('keeps problem+json on the native routes and elsewhere', async () => {
    for (const path of ['/v1/agents/support/nope', '/nothing-here']) {
      const res = await t.get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers a preflight from an allowed origin before authentication, with the headers the browser asked for', async () => {
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-stainless-os' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-stainless-os');
    expect(res.headers.get('access-control-max-age')).toBe('300');
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it('lets a page on an allowed origin read the answer and its headers; another origin gets no CORS headers and a 403 preflight', async () => {
    const allowed = await t.post('/v1/chat/completions', { model: 'support', messages: [{ role: 'user', content: 'hi' }] }, { origin: 'https://shop.example.org' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.org');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const other = await t.post('/v1/agents/support/execute', { input: 'hi' }, { origin: 'https://evil.test' });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${t.url}/v1/chat/completions`, { method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(await readJson(preflight)).toMatchObject({ error: { message: 'the origin "https://evil.test" is not in server.cors.origins' } });
    const native = await fetch(`${t.url}/v1/agents/support/execute`, { method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' } });
    expect(native.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
