import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../src/events/gateway-events.js';
import { agentManifest, readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { parsePrometheus, sampleValue } from '../support/prometheus-text.js';
import { postForEvents } from '../support/sse-client.js';

// Recognisable fakes: none of them may ever appear in a response, a log line or the audit log.
const CLIENT_KEY = 'ossa-client-TESTKEY-openai-compat-5e6f7a8b';
const NARROW_KEY = 'ossa-client-TESTKEY-narrow-0a1b2c3d4e5f';
const WRONG_KEY = 'sk-TESTKEY-wrong-never-echoed-777777';
const ENV = {
  CLIENT_KEY,
  NARROW_KEY,
  ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-openai-compat-AAAAAAAAAA',
  OPENAI_API_KEY: 'sk-TESTKEY-openai-compat-BBBBBBBBBB',
};
const SECRETS = [CLIENT_KEY, NARROW_KEY, WRONG_KEY, ENV.ANTHROPIC_API_KEY, ENV.OPENAI_API_KEY];

const CONVERSATION: ChatCompletionMessageParam[] = [
  { role: 'system', content: 'Answer in French.' },
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: 'Hello! How can I help?' },
  { role: 'user', content: [{ type: 'text', text: 'Where is my order?' }] },
];

describe('the OpenAI-compatible API, called with the official openai SDK', () => {
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let t: TestGateway;
  let client: OpenAI;
  const executionEvents: GatewayEvent[] = [];

  beforeAll(async () => {
    anthropic = await startMockAnthropic();
    openai = await startMockOpenAI();
    t = await startTestGateway({
      ossa: {
        providers: {
          claude: {
            type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 5, max_retries: 0,
            circuit_breaker: { failure_threshold: 100, fallback_providers: ['gpt'] },
          },
          gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o-mini', timeout: 5, max_retries: 0 },
        },
        security: {
          clients: [{ id: 'acme', key: '${CLIENT_KEY}' }, { id: 'narrow', key: '${NARROW_KEY}', agents: ['support'] }],
          audit: { path: 'audit/audit.jsonl' },
        },
        rate_limit: { user: { limit: 1000, interval: '1 hour' } },
        cache: { storage: 'memory' },
      },
      agents: {
        support: agentManifest('support', { provider: 'claude', model: 'claude-sonnet-4-5', temperature: 0.7, maxTokens: 300 }),
        billing: agentManifest('billing', { provider: 'gpt', model: 'gpt-4o-mini' }),
        limited: agentManifest('limited', { provider: 'gpt', model: 'gpt-4o-mini' }, '  safety:\n    rate_limiting:\n      requests_per_minute: 1\n      burst_limit: 1\n'),
        nollm: agentManifest('nollm', { provider: 'none' }),
      },
      env: ENV,
    });
    client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${t.url}/v1`, maxRetries: 0 });
    for (const type of ['agent.execution.start', 'agent.execution.complete', 'agent.execution.error'] as const) {
      t.gateway.events.on(type, (event) => void executionEvents.push(event));
    }
  });
  afterAll(async () => {
    // Nothing secret reached the logs or the audit log, whatever the tests did.
    await t.gateway.audit!.flush();
    const audit = readFileSync(join(t.dir, 'audit', 'audit.jsonl'), 'utf8');
    for (const secret of SECRETS) {
      expect(t.logs.raw.join('\n')).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    await t.close();
    await anthropic.close();
    await openai.close();
  });
  afterEach(async () => {
    anthropic.reset();
    openai.reset();
    await t.gateway.cache!.clearAll();
  });

  const eventsOf = (id: string) => executionEvents.filter((e) => 'requestId' in e && e.requestId === id).map((e) => e.type);
  const chat = (body: Record<string, unknown>, key = CLIENT_KEY) => t.post('/v1/chat/completions', body, { authorization: `Bearer ${key}` });

  it('answers chat.completions.create as a chat.completion: the agent answers the last user message, with the conversation before it', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'support', messages: CONVERSATION, temperature: 0.2, max_tokens: 50 }).withResponse();
    const requestId = response.headers.get('x-request-id')!;
    expect(data).toEqual({
      id: `chatcmpl-${requestId}`,
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'support',
      choices: [{ index: 0, message: { role: 'assistant', content: 'echo: Where is my order?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: 5, total_tokens: expect.any(Number) },
    });
    expect(Math.abs(data.created - Date.now() / 1000)).toBeLessThan(60);
    expect(response.headers.get('x-cache')).toBe('MISS');
    expect(response.headers.get('ratelimit-limit')).toBe('1000');

    // The agent's system prompt first, the client's system message after it verbatim, then the turns.
    expect(anthropic.requests).toHaveLength(1);
    expect(anthropic.requests[0]!.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      system: 'You are the support test agent.\n\nAnswer in French.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello! How can I help?' },
        { role: 'user', content: 'Where is my order?' },
      ],
      temperature: 0.2,
      max_tokens: 50,
    });
    expect(eventsOf(requestId)).toEqual(['agent.execution.start', 'agent.execution.complete']);
    expect(executionEvents.find((e) => e.type === 'agent.execution.start' && e.requestId === requestId)).toMatchObject({ userId: 'acme' });
  });

  it('keeps temperature and max tokens within the manifest: max_completion_tokens wins over max_tokens, and never exceeds the agent\'s', async () => {
    await client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'long please' }], max_tokens: 10, max_completion_tokens: 5_000 });
    expect(anthropic.requests[0]!.body).toMatchObject({ max_tokens: 300, temperature: 0.7 });
  });

  it('streams chat.completion.chunk events, with the usage chunk of stream_options.include_usage', async () => {
    const stream = await client.chat.completions.create({ model: 'support', messages: CONVERSATION, stream: true, stream_options: { include_usage: true } });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0]!.id).toMatch(/^chatcmpl-/);
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
    for (const chunk of chunks) expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: 'support' });
    expect(chunks[0]!.choices).toEqual([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
    expect(chunks[0]!.usage).toBeNull();
    const content = chunks.flatMap((c) => c.choices.map((choice) => choice.delta.content ?? '')).join('');
    expect(content).toBe('echo: Where is my order?');
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThanOrEqual(3);
    expect(chunks.at(-2)!.choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number), completion_tokens: 5, total_tokens: expect.any(Number) } });
    expect(anthropic.requests[0]!.body).toMatchObject({ stream: true });
  });

  it('streams the exact wire format: data-only frames ending in data: [DONE], no usage fields without include_usage', async () => {
    const reader = await postForEvents(`${t.url}/v1/chat/completions`, { model: 'support', messages: [{ role: 'user', content: 'raw frames' }], stream: true }, { authorization: `Bearer ${CLIENT_KEY}` });
    expect(reader.response.status).toBe(200);
    expect(reader.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(reader.response.headers.get('x-accel-buffering')).toBe('no');
    const events = await reader.rest();
    expect(events.every((e) => e.event === 'message')).toBe(true);
    expect(events.at(-1)!.data).toBe('[DONE]');
    expect(events.slice(0, -1).every((e) => e.json.object === 'chat.completion.chunk' && !('usage' in e.json))).toBe(true);
    expect(events.at(-2)!.json.choices[0].finish_reason).toBe('stop');
  });

  it('serves repeated requests from the cache, streamed or not, and replays a cached answer as several chunks', async () => {
    const ask = () => client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'What are your opening hours on weekdays?' }] }).withResponse();
    const first = await ask();
    const second = await ask();
    expect(second.response.headers.get('x-cache')).toBe('HIT');
    expect(second.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    expect(second.data.usage).toEqual(first.data.usage);
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'support', messages: [{ role: 'user', content: 'What are your opening hours on weekdays?' }], stream: true })
      .withResponse();
    expect(response.headers.get('x-cache')).toBe('HIT');
    const pieces: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expect(pieces.join('')).toBe('echo: What are your opening hours on weekdays?');
    expect(anthropic.requests).toHaveLength(1);
  });

  it('goes through the breaker and the fallback chain: a failing primary is replaced before the first chunk', async () => {
    anthropic.fail({ status: 529, times: 2 });
    const completion = await client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'fallback json' }] });
    expect(completion.choices[0]!.message.content).toBe('echo: fallback json');
    const stream = await client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'fallback stream' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: fallback stream');
    expect(openai.requests.map((r) => (r.body as { model: string }).model)).toEqual(['gpt-4o-mini', 'gpt-4o-mini']);
  });

  it('raises the SDK\'s own errors: NotFoundError, AuthenticationError, PermissionDeniedError, RateLimitError, BadRequestError, UnprocessableEntityError', async () => {
    const notFound = await client.chat.completions.create({ model: 'suport', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    expect(notFound).toMatchObject({ status: 404, code: 'model_not_found', type: 'invalid_request_error', param: 'model' });
    expect((notFound as Error).message).toContain('did you mean "support"?');

    const wrongKey = new OpenAI({ apiKey: WRONG_KEY, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const unauthorized = await wrongKey.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(unauthorized).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((unauthorized as Error).message).not.toContain(WRONG_KEY);
    expect(await wrongKey.models.list().catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);

    const narrow = new OpenAI({ apiKey: NARROW_KEY, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const forbidden = await narrow.chat.completions.create({ model: 'billing', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(forbidden).toMatchObject({ status: 403, code: 'model_not_allowed', param: 'model' });

    expect((await client.chat.completions.create({ model: 'limited', messages: [{ role: 'user', content: 'one' }] })).choices).toHaveLength(1);
    const limited = await client.chat.completions.create({ model: 'limited', messages: [{ role: 'user', content: 'two' }] }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('60');

    const audio = await client.chat.completions
      .create({ model: 'support', messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] })
      .catch((e: unknown) => e);
    expect(audio).toBeInstanceOf(OpenAI.BadRequestError);
    expect(audio).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'messages[0].content[1].type' });

    const noLlm = await client.chat.completions.create({ model: 'nollm', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(noLlm).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect(noLlm).toMatchObject({ status: 422, code: 'model_not_available' });
    expect(anthropic.requests).toHaveLength(0);
  });

  it('answers 400 in OpenAI\'s shape, naming the parameter, for what an agent cannot do or a malformed body, and spends no token on it', async () => {
    const cases: [Record<string, unknown>, string | null][] = [
      [{ model: 'support', messages: [{ role: 'user', content: 'hi' }], n: 2 }, 'n'],
      [{ model: 'support', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { description: 'no name' } }] }, 'tools[0].function.name'],
      [{ model: 'support', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'refund', parameters: { type: 'object', properties: [] } } }] }, 'tools[0].function.parameters'],
      [{ model: 'support', messages: [{ role: 'user', content: 'hi' }], stop: ['1', '2', '3', '4', '5'] }, 'stop'],
      [{ model: 'support', messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_schema', json_schema: { name: 'answer' } } }, 'response_format.json_schema.schema'],
      [{ model: 'support', messages: [{ role: 'user', content: 'hi' }], temperature: 3 }, 'temperature'],
      [{ model: 'support', messages: [{ role: 'user', content: 'hi' }], frobnicate: true }, 'frobnicate'],
      [{ model: 'support', messages: [] }, 'messages'],
      [{ model: 'support', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] }, 'messages'],
      [{ model: 'support', messages: [{ role: 'tool', content: '42', tool_call_id: 'call_1' }, { role: 'user', content: 'hi' }] }, 'messages[0].tool_call_id'],
      [{ model: 'support', messages: [{ content: 'hi' }] }, 'messages[0].role'],
      [{ messages: [{ role: 'user', content: 'hi' }] }, 'model'],
    ];
    for (const [body, param] of cases) {
      const res = await chat(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const error = await readJson(res);
      expect(error, JSON.stringify(body)).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param, code: null } });
    }
    const malformed = await t.post('/v1/chat/completions', '{"model": "support", "messages": [', { authorization: `Bearer ${CLIENT_KEY}` });
    expect(malformed.status).toBe(400);
    expect(await readJson(malformed)).toMatchObject({ error: { type: 'invalid_request_error', message: 'the request body is not valid JSON' } });
    expect(anthropic.requests).toHaveLength(0);
    // Sampling hints the manifest settles are accepted, and the answer is the agent's.
    const hinted = await chat({ model: 'support', messages: [{ role: 'user', content: 'hi' }], top_p: 0.5, seed: 7, user: 'end-user-1', n: 1, tools: [], stop: null });
    expect(hinted.status).toBe(200);
  });

  it('answers any malformed body with a 4xx in OpenAI\'s shape, never a 500', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything({ maxDepth: 3 }),
          fc.record({ model: fc.constantFrom('support', 'billing', ''), messages: fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 4 }) }),
          fc.record({
            model: fc.constant('support'),
            messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'system', 'tool', 'x'), content: fc.anything({ maxDepth: 2 }) }), { minLength: 1, maxLength: 3 }),
          }),
        ),
        async (body) => {
          const res = await chat(body as Record<string, unknown>);
          statuses.add(res.status);
          if (res.status === 200) return;
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(await readJson(res)).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: expect.toSatisfy((p) => p === null || typeof p === 'string'), code: null } });
        },
      ),
      { numRuns: 150 },
    );
    expect(statuses.has(400)).toBe(true);
  });

  it('answers 401 in OpenAI\'s shape without a key, and never echoes a key back', async () => {
    const missing = await t.post('/v1/chat/completions', { model: 'support', messages: [{ role: 'user', content: 'hi' }] });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await readJson(missing)).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    const wrong = await chat({ model: 'support', messages: [{ role: 'user', content: 'hi' }] }, WRONG_KEY);
    const text = await wrong.text();
    expect(wrong.status).toBe(401);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect((await t.get('/v1/models')).status).toBe(401);
  });

  it('answers 503 (server_error) when every provider fails before any output, streamed or not', async () => {
    for (const stream of [false, true]) {
      anthropic.fail({ status: 500 });
      openai.fail({ status: 500 });
      const failed = await client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: `down ${stream}` }], stream }).catch((e: unknown) => e);
      expect(failed, `stream: ${stream}`).toBeInstanceOf(OpenAI.InternalServerError);
      expect(failed).toMatchObject({ status: 503, type: 'server_error', code: 'service_unavailable' });
      for (const secret of SECRETS) expect((failed as Error).message).not.toContain(secret);
    }
  });

  it('ends a stream the upstream cut midway with an error chunk the SDK raises, after the text it had', async () => {
    anthropic.script({ kind: 'truncate', afterDeltas: 2 });
    const stream = await client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'one two three four five' }], stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ type: 'server_error', code: 'service_unavailable' });
    expect(text).toBe('echo: one ');
    anthropic.script({ kind: 'truncate', afterDeltas: 1 });
    const events = await (await postForEvents(`${t.url}/v1/chat/completions`, { model: 'support', messages: [{ role: 'user', content: 'cut raw' }], stream: true }, { authorization: `Bearer ${CLIENT_KEY}` })).rest();
    expect(events.at(-1)!.json).toEqual({ error: { message: expect.any(String), type: 'server_error', param: null, code: 'service_unavailable' } });
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
  });

  it('lists the agents a client may use as models, and retrieves one', async () => {
    const all = await client.models.list();
    expect(all.data.map((m) => m.id).sort()).toEqual(['billing', 'limited', 'nollm', 'support']);
    expect(all.data[0]).toEqual({ id: expect.any(String), object: 'model', created: expect.any(Number), owned_by: 'ossa-gateway' });
    const narrow = new OpenAI({ apiKey: NARROW_KEY, baseURL: `${t.url}/v1`, maxRetries: 0 });
    expect((await narrow.models.list()).data.map((m) => m.id)).toEqual(['support']);
    expect(await client.models.retrieve('support')).toMatchObject({ id: 'support', object: 'model', owned_by: 'ossa-gateway' });
    expect(await narrow.models.retrieve('billing').catch((e: unknown) => e)).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const missing = await client.models.retrieve('nobody').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ code: 'model_not_found' });
  });

  it('counts executions, tokens and time to first token for the OpenAI route like any other', async () => {
    const scrape = async () => parsePrometheus(await (await t.get('/metrics')).text());
    const before = await scrape();
    const stream = await client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'metrics please' }], stream: true });
    for await (const _chunk of stream) void _chunk;
    await client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'metrics json' }] });
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);
    expect(delta('ossa_time_to_first_token_seconds_count', { agent: 'support', provider: 'claude' })).toBe(1);
    expect(delta('ossa_agent_executions_total', { agent: 'support', outcome: 'success' })).toBe(2);
    expect(delta('ossa_http_requests_total', { method: 'POST', route: '/v1/chat/completions', status: '200' })).toBe(2);
  });

  it('applies client keys to the native streaming route too: 401 without a key, 403 outside the allow-list, a stream with one', async () => {
    const body = { input: 'hello', stream: true };
    const missing = await t.post('/v1/agents/support/execute', body);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const forbidden = await t.post('/v1/agents/billing/execute', body, { authorization: `Bearer ${NARROW_KEY}` });
    expect(forbidden.status).toBe(403);
    expect(await readJson(forbidden)).toMatchObject({ type: 'urn:ossa-gateway:problem:agent-forbidden' });
    const reader = await postForEvents(`${t.url}/v1/agents/support/execute`, body, { authorization: `Bearer ${NARROW_KEY}` });
    expect(reader.response.status).toBe(200);
    expect((await reader.rest()).map((e) => e.event).at(-1)).toBe('done');
    expect(openai.requests).toHaveLength(0);
  });
});
