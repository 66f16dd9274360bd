import { join } from 'node:path';
import fc from 'fast-check';
import OpenAI from 'openai';
import type { ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readAuditFile } from '../support/audit-file.js';
import { agentManifest, readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { parsePrometheus, sampleValue } from '../support/prometheus-text.js';
import { postForEvents } from '../support/sse-client.js';
import { waitFor } from '../support/wait-for.js';

// Recognisable fakes: none of them may ever appear in a response, a log line or the audit log.
const CLIENT_KEY = 'ossa-client-TESTKEY-responses-1a2b3c4d5e6f';
const NARROW_KEY = 'ossa-client-TESTKEY-responses-narrow-77aa';
const WRONG_KEY = 'sk-TESTKEY-responses-wrong-never-echoed-99';
const ENV = { CLIENT_KEY, NARROW_KEY, ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-responses-AAAAAAAAAA', OPENAI_API_KEY: 'sk-TESTKEY-responses-BBBBBBBBBB' };
const SECRETS = [CLIENT_KEY, NARROW_KEY, WRONG_KEY, ENV.ANTHROPIC_API_KEY, ENV.OPENAI_API_KEY];
const weather = { type: 'function', name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true } as const;

// POST /v1/responses through the whole pipeline, called with the official openai SDK and raw
// HTTP: answers, streams, tool rounds in both wire formats, the cache, fallbacks, failures
// midway, disconnects, and every error in OpenAI's shape.
describe('the Responses API (POST /v1/responses), called with the official openai SDK', () => {
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let t: TestGateway;
  let client: OpenAI;

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
  });
  afterAll(async () => {
    await t.gateway.audit!.flush();
    const audit = readAuditFile(join(t.dir, 'audit', 'audit.jsonl')).text;
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

  const post = (body: Record<string, unknown>, key = CLIENT_KEY) => t.post('/v1/responses', body, { authorization: `Bearer ${key}` });
  const events = async (body: Record<string, unknown>, signal?: AbortSignal) => postForEvents(`${t.url}/v1/responses`, { ...body, stream: true }, { authorization: `Bearer ${CLIENT_KEY}` }, signal);

  it('answers responses.create as a response: the agent\'s prompt first, the client\'s instructions after it, the conversation before the input', async () => {
    const { data: response, response: raw } = await client.responses
      .create({
        model: 'support',
        instructions: 'Answer in French.',
        input: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello! How can I help?' },
          { role: 'user', content: [{ type: 'input_text', text: 'Where is my order?' }] },
        ],
        temperature: 0.2,
        max_output_tokens: 50,
        metadata: { order: 'A-1001' },
      })
      .withResponse();
    expect(response).toMatchObject({
      id: `resp_${raw.headers.get('x-request-id')}`, object: 'response', status: 'completed', model: 'support', error: null, incomplete_details: null,
      instructions: 'Answer in French.', temperature: 0.2, max_output_tokens: 50, metadata: { order: 'A-1001' }, store: false, previous_response_id: null, tool_choice: 'auto', tools: [],
      output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'echo: Where is my order?', annotations: [] }] }],
    });
    expect(response.output_text).toBe('echo: Where is my order?');
    expect(response.usage!.total_tokens).toBe(response.usage!.input_tokens + response.usage!.output_tokens);
    expect(response.usage!.input_tokens).toBeGreaterThan(0);
    const upstream = anthropic.requests[0]!.body as { system: unknown; messages: unknown[]; temperature: number; max_tokens: number };
    expect(JSON.stringify(upstream.system)).toContain('You are the support test agent.\\n\\nAnswer in French.');
    expect(upstream.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello! How can I help?' },
      { role: 'user', content: 'Where is my order?' },
    ]);
    expect(upstream).toMatchObject({ temperature: 0.2, max_tokens: 50 });
  });

  it('streams the Responses events in order, numbered from 0, ending with the whole response (SDK events and the raw wire)', async () => {
    const stream = await client.responses.create({ model: 'support', input: 'one two three four', stream: true });
    const seen: ResponseStreamEvent[] = [];
    for await (const event of stream) seen.push(event);
    expect(seen.map((event) => event.sequence_number)).toEqual(seen.map((_event, index) => index));
    const types = seen.map((event) => event.type);
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    const deltas = seen.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('echo: one two three four');
    const completed = seen.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>;
    expect(completed.response).toMatchObject({ status: 'completed', output: [{ type: 'message', content: [{ text: 'echo: one two three four' }] }], usage: { total_tokens: expect.any(Number) } });

    // The SDK's own stream helper assembles the same response.
    const helper = client.responses.stream({ model: 'billing', input: 'stream helper' });
    expect((await helper.finalResponse()).output_text).toBe('echo: stream helper');

    const reader = await events({ model: 'billing', input: 'raw wire' });
    expect(reader.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const wire = await reader.rest();
    for (const event of wire) expect(event.event).toBe((event.json as { type: string }).type);
  });

  it('runs a tool round in both wire formats: function_call items with the upstream\'s call id, answered by function_call_output', async () => {
    for (const [agent, upstream] of [['support', anthropic], ['billing', openai]] as const) {
      upstream.script({ kind: 'reply', text: 'Let me check.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_weather', arguments: { city: 'Oslo' } }] });
      const first = await client.responses.create({ model: agent, input: 'Weather in Paris and Oslo?', tools: [weather] });
      expect(first.output.map((item) => item.type)).toEqual(['message', 'function_call', 'function_call']);
      const calls = first.output.filter((item) => item.type === 'function_call');
      expect(calls.map((call) => [call.name, JSON.parse(call.arguments)])).toEqual([['get_weather', { city: 'Paris' }], ['get_weather', { city: 'Oslo' }]]);
      expect(calls[0]!.call_id).toMatch(agent === 'support' ? /^toolu_mock/ : /^call_mock/);
      expect(calls[0]!.id).toBe(`fc_${calls[0]!.call_id}`);
      const second = await client.responses.create({
        model: agent,
        tools: [weather],
        input: [
          { role: 'user', content: 'Weather in Paris and Oslo?' },
          // What the SDK's types allow of an output item as input: this one's message and calls.
          ...(first.output as ResponseInputItem[]),
          { type: 'function_call_output', call_id: calls[1]!.call_id, output: 'cold in Oslo' },
          { type: 'function_call_output', call_id: calls[0]!.call_id, output: 'sunny in Paris' },
        ],
      });
      expect(second.output_text).toBe('echo: cold in Oslo sunny in Paris');
      // The follow-up went upstream with both calls and their results, each by the upstream's own id.
      const followUp = JSON.stringify(upstream.requests[1]!.body);
      for (const call of calls) expect(followUp.split(`"${call.call_id}"`), agent).toHaveLength(3);
      expect(followUp).toContain('Let me check.');
    }
  });

  it('streams a tool call as a function_call item with its argument deltas', async () => {
    openai.script({ kind: 'reply', toolCalls: [{ id: 'call_weather_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const stream = await client.responses.create({ model: 'billing', input: 'Weather?', tools: [weather], stream: true });
    const seen: ResponseStreamEvent[] = [];
    for await (const event of stream) seen.push(event);
    expect(seen.map((event) => event.type)).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added',
      ...seen.filter((event) => event.type === 'response.function_call_arguments.delta').map(() => 'response.function_call_arguments.delta'),
      'response.function_call_arguments.done', 'response.output_item.done', 'response.completed',
    ]);
    expect(seen[2]).toMatchObject({ output_index: 0, item: { type: 'function_call', call_id: 'call_weather_1', name: 'get_weather', arguments: '', status: 'in_progress' } });
    expect(seen.at(-3)).toMatchObject({ type: 'response.function_call_arguments.done', arguments: '{"city":"Paris"}' });
    expect(seen.at(-1)).toMatchObject({ response: { output: [{ type: 'function_call', call_id: 'call_weather_1', arguments: '{"city":"Paris"}', status: 'completed' }] } });
  });

  it('serves repeated requests from the cache, streamed or not, replaying a cached answer in pieces', async () => {
    const ask = () => client.responses.create({ model: 'support', input: 'What are your opening hours on weekdays?' }).withResponse();
    const first = await ask();
    const second = await ask();
    expect(second.response.headers.get('x-cache')).toBe('HIT');
    expect(second.data.output_text).toBe(first.data.output_text);
    expect(second.data.id).not.toBe(first.data.id);
    const reader = await events({ model: 'support', input: 'What are your opening hours on weekdays?' });
    expect(reader.response.headers.get('x-cache')).toBe('HIT');
    const deltas = (await reader.rest()).filter((event) => event.event === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    // The same request on chat completions is the same cache entry.
    const chat = await client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'What are your opening hours on weekdays?' }] }).withResponse();
    expect(chat.response.headers.get('x-cache')).toBe('HIT');
    expect(chat.data.choices[0]!.message.content).toBe(first.data.output_text);
    expect(anthropic.requests).toHaveLength(1);
  });

  it('goes through the breaker and the fallback chain before the first byte, streamed or not', async () => {
    anthropic.fail({ status: 529, times: 2 });
    expect((await client.responses.create({ model: 'support', input: 'fallback json' })).output_text).toBe('echo: fallback json');
    const reader = await events({ model: 'support', input: 'fallback stream' });
    expect(reader.response.status).toBe(200);
    expect((await reader.rest()).at(-1)!.event).toBe('response.completed');
    expect(openai.requests).toHaveLength(2);
  });

  it('ends a stream the upstream cut midway with response.failed after the text it had, never response.completed', async () => {
    anthropic.script({ kind: 'truncate', afterDeltas: 2 });
    const stream = await client.responses.create({ model: 'support', input: 'one two three four five', stream: true });
    const seen: ResponseStreamEvent[] = [];
    for await (const event of stream) seen.push(event);
    const last = seen.at(-1) as Extract<ResponseStreamEvent, { type: 'response.failed' }>;
    expect(last.type).toBe('response.failed');
    expect(last.response).toMatchObject({ status: 'failed', error: { code: 'server_error', message: expect.any(String) }, output: [{ type: 'message', status: 'incomplete', content: [{ text: 'echo: one ' }] }] });
    expect(seen.some((event) => event.type === 'response.completed')).toBe(false);
    for (const secret of SECRETS) expect(last.response.error!.message).not.toContain(secret);
  });

  it('stops the upstream when the client disconnects midway, and caches nothing', async () => {
    anthropic.script({ kind: 'reply', text: 'one two three four', pauseAfterDeltas: 1 });
    const controller = new AbortController();
    const reader = await events({ model: 'support', input: 'Hang up on me' }, controller.signal);
    for (let event = await reader.next(); event && event.event !== 'response.output_text.delta'; event = await reader.next()) void event;
    controller.abort();
    await anthropic.until(() => anthropic.requests[0]!.aborted);
    const again = await post({ model: 'support', input: 'Hang up on me' });
    expect(again.headers.get('x-cache')).toBe('MISS');
    expect(anthropic.requests).toHaveLength(2);
  });

  it('raises the SDK\'s own errors: NotFoundError, AuthenticationError, PermissionDeniedError, RateLimitError, UnprocessableEntityError, InternalServerError', async () => {
    const notFound = await client.responses.create({ model: 'suport', input: 'hi' }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    expect(notFound).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    expect((notFound as Error).message).toContain('did you mean "support"?');
    const wrong = new OpenAI({ apiKey: WRONG_KEY, baseURL: `${t.url}/v1`, maxRetries: 0 });
    expect(await wrong.responses.create({ model: 'support', input: 'hi' }).catch((e: unknown) => e)).toMatchObject({ status: 401, code: 'invalid_api_key' });
    const narrow = new OpenAI({ apiKey: NARROW_KEY, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const forbidden = await narrow.responses.create({ model: 'billing', input: 'hi' }).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(forbidden).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    await client.responses.create({ model: 'limited', input: 'one' });
    const limited = await client.responses.create({ model: 'limited', input: 'two', stream: true }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect(await client.responses.create({ model: 'nollm', input: 'hi' }).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    for (const stream of [false, true]) {
      anthropic.fail({ status: 500 });
      openai.fail({ status: 500 });
      const down = await client.responses.create({ model: 'support', input: `down ${stream}`, stream }).catch((e: unknown) => e);
      expect(down, `stream: ${stream}`).toBeInstanceOf(OpenAI.InternalServerError);
      expect(down).toMatchObject({ status: 503, type: 'server_error', code: 'service_unavailable' });
    }
    const get = await t.get('/v1/responses', { authorization: `Bearer ${CLIENT_KEY}` });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers 400 in OpenAI\'s shape naming the field, for what needs stored responses, OpenAI\'s own tools, or a malformed body, and spends no token on it', async () => {
    const base = { model: 'support', input: 'hi' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, previous_response_id: 'resp_123' }, 'previous_response_id'],
      [{ ...base, store: true }, 'store'],
      [{ ...base, conversation: 'conv_123' }, 'conversation'],
      [{ ...base, background: true }, 'background'],
      [{ ...base, tools: [{ type: 'web_search' }] }, 'tools[0].type'],
      [{ ...base, tools: [{ type: 'function', name: 'get weather' }] }, 'tools[0].name'],
      [{ ...base, tool_choice: 'required' }, 'tool_choice'],
      [{ ...base, text: { format: { type: 'json_schema', name: 'answer' } } }, 'text.format.schema'],
      [{ ...base, temperature: 3 }, 'temperature'],
      [{ ...base, metadata: { note: 'x'.repeat(513) } }, 'metadata.note'],
      [{ ...base, frobnicate: true }, 'frobnicate'],
      [{ model: 'support', input: [] }, 'input'],
      [{ model: 'support', input: [{ role: 'user', content: 'hi' }, { type: 'item_reference', id: 'msg_1' }, { role: 'user', content: 'again' }] }, 'input[1].type'],
      [{ model: 'support', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file_1' }] }] }, 'input[0].content[0].type'],
      [{ model: 'support', input: [{ type: 'function_call_output', call_id: 'call_1', output: '42' }] }, 'input[0].call_id'],
      [{ model: 'support', input: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] }, 'input'],
      [{ model: 'support', input: 'hi', tools: [{ ...weather, name: 'lookup_order' }, weather, weather] }, 'tools[2].name'],
      [{ input: 'hi' }, 'model'],
      [{ model: 'support' }, 'input'],
    ];
    for (const [body, param] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await readJson(res), JSON.stringify(body)).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param, code: null } });
    }
    const malformed = await t.post('/v1/responses', '{"model": "support", "input": [', { authorization: `Bearer ${CLIENT_KEY}` });
    expect(await readJson(malformed)).toMatchObject({ error: { type: 'invalid_request_error', message: 'the request body is not valid JSON' } });
    expect(anthropic.requests).toHaveLength(0);
    // The SDK raises it as a BadRequestError with the field.
    expect(await client.responses.create({ model: 'support', input: 'hi', store: true }).catch((e: unknown) => e)).toMatchObject({ status: 400, param: 'store' });
  });

  it('answers any malformed body with a 4xx in OpenAI\'s shape, never a 500', async () => {
    const item = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.record({ role: fc.constantFrom('user', 'assistant', 'system', 'tool'), content: fc.anything({ maxDepth: 2 }) }),
      fc.record({ type: fc.constantFrom('function_call', 'function_call_output', 'message', 'item_reference'), call_id: fc.string(), name: fc.string(), output: fc.anything({ maxDepth: 1 }) }, { requiredKeys: ['type'] }),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything({ maxDepth: 3 }), fc.record({ model: fc.constantFrom('support', ''), input: fc.oneof(fc.string(), fc.array(item, { maxLength: 4 })), tools: fc.anything({ maxDepth: 2 }) }, { requiredKeys: ['model', 'input'] })), async (body) => {
        const res = await post(body as Record<string, unknown>);
        if (res.status === 200) return;
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(await readJson(res)).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: expect.toSatisfy((p) => p === null || typeof p === 'string'), code: null } });
      }),
      { numRuns: 120 },
    );
  });

  it('counts requests and time to first token for the route, and audits each upstream call under the request id', async () => {
    const scrape = async () => parsePrometheus(await (await t.get('/metrics')).text());
    const before = await scrape();
    const stream = await client.responses.create({ model: 'support', input: 'metrics please', stream: true });
    for await (const _event of stream) void _event;
    const { response } = await client.responses.create({ model: 'support', input: 'metrics json' }).withResponse();
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);
    expect(delta('ossa_http_requests_total', { method: 'POST', route: '/v1/responses', status: '200' })).toBe(2);
    expect(delta('ossa_time_to_first_token_seconds_count', { agent: 'support', provider: 'claude' })).toBe(1);
    expect(delta('ossa_agent_executions_total', { agent: 'support', outcome: 'success' })).toBe(2);
    const id = response.headers.get('x-request-id')!;
    await t.gateway.audit!.flush();
    const records = await waitFor(() => {
      const found = readAuditFile(join(t.dir, 'audit', 'audit.jsonl')).records.filter((record) => record.request_id === id);
      return found.length === 2 ? found : undefined;
    });
    expect(records.map((record) => record.event)).toEqual(['llm_request', 'llm_response']);
  });
});
