import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useMockUpstreams } from '../support/mock-upstreams.js';
import { agentManifest, readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';

const ANTHROPIC_KEY = 'sk-ant-TESTKEY-core-0000000000';
const OPENAI_KEY = 'sk-TESTKEY-core-1111111111';

describe('serving agents over HTTP (core pipeline, real upstream wire formats)', () => {
  const { anthropic, openai } = useMockUpstreams();
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway({
      ossa: {
        server: { body_limit: 4096 },
        providers: {
          claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 2, max_retries: 0, circuit_breaker: { enabled: false } },
          gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, max_retries: 0, circuit_breaker: { enabled: false } },
          ollama: { type: 'openai-compatible', base_url: openai.url, model: 'llama3.2', max_retries: 0, circuit_breaker: { enabled: false } },
        },
        default_provider: 'ollama',
        rate_limit: { enabled: false },
        cache: { enabled: false },
      },
      agents: {
        support: agentManifest('support', { provider: 'anthropic', model: 'claude-sonnet-4-5', temperature: 0.3, maxTokens: 200 }),
        reviewer: agentManifest('reviewer', { provider: 'openai', model: 'gpt-4o' }),
        local: agentManifest('local'),
      },
      env: { ANTHROPIC_API_KEY: ANTHROPIC_KEY, OPENAI_API_KEY: OPENAI_KEY },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('executes an agent through the Anthropic Messages API and answers an AgentResponse', async () => {
    const res = await t.post('/v1/agents/support/execute', { input: 'Where is my order?', context: { order: 'A-1001', tier: 'gold' } });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).toMatchObject({
      agent: { name: 'support', version: '1.0.0' },
      output: 'echo: Where is my order?',
      provider: 'claude',
      model: 'claude-sonnet-4-5',
      finish_reason: 'stop',
      cached: false,
    });
    expect(body.usage.total_tokens).toBe(body.usage.input_tokens + body.usage.output_tokens);
    expect(body.usage.output_tokens).toBeGreaterThan(0);
    expect(typeof body.duration_ms).toBe('number');
    expect(body.request_id).toBe(res.headers.get('x-request-id'));

    const sent = anthropic.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(sent.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      temperature: 0.3,
      system: 'You are the support test agent.\n\nContext:\norder: A-1001\ntier: gold',
      messages: [{ role: 'user', content: 'Where is my order?' }],
    });
  });

  it('resolves `provider: openai` to the one configured provider of that type', async () => {
    const res = await t.post('/v1/agents/reviewer/execute', { input: 'Review this' });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ provider: 'gpt', model: 'gpt-4o', output: 'echo: Review this' });
    expect(openai.requests[0]!.headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
    expect(openai.requests[0]!.body).toMatchObject({ model: 'gpt-4o', messages: [{ role: 'system' }, { role: 'user', content: 'Review this' }] });
  });

  it('serves an OpenAI-compatible server (no key) with the config defaults for an agent without llm', async () => {
    const res = await t.post('/v1/agents/local/execute', { input: 'hi' });
    expect(await readJson(res)).toMatchObject({ provider: 'ollama', model: 'llama3.2' });
    expect(openai.requests[0]!.headers['authorization']).toBeUndefined();
    expect(openai.requests[0]!.body).toMatchObject({ temperature: 0.7, max_tokens: 1024 });
  });

  it('keeps a valid incoming X-Request-Id and replaces a forged one', async () => {
    const kept = await t.post('/v1/agents/local/execute', { input: 'x' }, { 'x-request-id': 'trace-abc.123' });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
    expect((await readJson(kept)).request_id).toBe('trace-abc.123');
    const forged = await t.get('/healthz', { 'x-request-id': 'bad id with spaces' });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists agents and describes one', async () => {
    const list = await readJson(await t.get('/v1/agents'));
    expect(list.agents.map((a: { name: string }) => a.name)).toEqual(['local', 'reviewer', 'support']);
    expect(list.agents[2]).toMatchObject({ name: 'support', version: '1.0.0', provider: 'claude', model: 'claude-sonnet-4-5', status: 'ready' });
    const one = await readJson(await t.get('/v1/agents/support'));
    expect(one).toMatchObject({ name: 'support', temperature: 0.3, max_tokens: 200, system_prompt_source: 'spec.role' });
    const missing = await t.get('/v1/agents/nobody');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers /healthz and /readyz', async () => {
    expect(await readJson(await t.get('/healthz'))).toEqual({ status: 'ok' });
    const ready = await t.get('/readyz');
    expect(ready.status).toBe(200);
    expect((await readJson(ready)).checks[0]).toMatchObject({ name: 'agents', status: 'ok' });
  });

  describe('bad input gets problem+json, never a 500', () => {
    const cases: [string, () => Promise<Response>, number, RegExp][] = [
      ['malformed JSON', () => t.post('/v1/agents/local/execute', '{"input": '), 400, /not valid JSON/],
      ['empty body', () => t.post('/v1/agents/local/execute', ''), 400, /empty/],
      ['missing input', () => t.post('/v1/agents/local/execute', { context: {} }), 400, /body\.input is required/],
      ['input of the wrong type', () => t.post('/v1/agents/local/execute', { input: 42 }), 400, /body\.input must be a string/],
      ['unknown field', () => t.post('/v1/agents/local/execute', { input: 'x', temprature: 1 }), 400, /unknown field "temprature"/],
      ['context not an object', () => t.post('/v1/agents/local/execute', { input: 'x', context: 'oops' }), 400, /body\.context must be an object/],
      ['a JSON array', () => t.post('/v1/agents/local/execute', '[1,2]'), 400, /body must be an object/],
      ['body over server.body_limit', () => t.post('/v1/agents/local/execute', { input: 'x'.repeat(5000) }), 413, /body_limit/],
      ['wrong content type', () => fetch(`${t.url}/v1/agents/local/execute`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }), 415, /application\/json/],
      ['form body', () => fetch(`${t.url}/v1/agents/local/execute`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'input=x' }), 415, /application\/json/],
      ['unknown agent', () => t.post('/v1/agents/suport/execute', { input: 'x' }), 404, /no agent named "suport"; did you mean "support"\?/],
      ['unknown route', () => t.get('/v2/nothing'), 404, /no route GET \/v2\/nothing/],
    ];
    for (const [name, send, status, detail] of cases) {
      it(`${name} -> ${status}`, async () => {
        const res = await send();
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.headers.get('x-request-id')).toBeTruthy();
        const problem = await readJson(res);
        expect(problem).toMatchObject({ status, request_id: res.headers.get('x-request-id') });
        expect(problem.type).toMatch(/^urn:ossa-gateway:problem:/);
        expect(problem.detail).toMatch(detail);
      });
    }
  });

  describe('provider failures', () => {
    it('a refused call (401) is a 502 naming the provider, without the key the upstream echoed', async () => {
      anthropic.fail({ status: 401, message: `invalid x-api-key ${ANTHROPIC_KEY}` });
      const res = await t.post('/v1/agents/support/execute', { input: 'x' });
      expect(res.status).toBe(502);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ provider: 'claude', title: 'Provider error' });
      expect(JSON.parse(text).detail).toMatch(/claude/);
      expect(text).not.toContain(ANTHROPIC_KEY);
      expect(t.logs.raw.join('\n')).not.toContain(ANTHROPIC_KEY);
    });

    it('an overloaded upstream (429 with Retry-After) is a 503 with Retry-After', async () => {
      anthropic.fail({ status: 429, retryAfter: '7' });
      const res = await t.post('/v1/agents/support/execute', { input: 'x' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('7');
      expect((await readJson(res)).detail).toMatch(/claude.*429/);
    });

    it('an upstream that hangs past the timeout is a 503', async () => {
      anthropic.script({ kind: 'hang' });
      const res = await t.post('/v1/agents/support/execute', { input: 'x' });
      expect(res.status).toBe(503);
      expect((await readJson(res)).detail).toBe('claude: no answer within 2000 ms');
    });

    it('dispatches the error event, logged by the execution listener', async () => {
      openai.fail({ status: 500 });
      const res = await t.post('/v1/agents/reviewer/execute', { input: 'x' }, { 'x-request-id': 'err-event-1' });
      expect(res.status).toBe(503);
      const line = t.logs.find((l) => l['request_id'] === 'err-event-1' && String(l['msg']).startsWith('agent execution failed'));
      expect(line).toMatchObject({ agent: 'reviewer', provider: 'gpt', status: 500, level: 'warn' });
    });
  });
});
