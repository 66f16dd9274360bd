import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readJson } from '../support/gateway-harness.js';
import { MODEL_CLIENT_KEYS, MODELS, startModelsGateway, type ModelsGateway } from '../support/models-gateway.js';
import { SseReader } from '../support/sse-client.js';

// What an Anthropic client sees when things go wrong on /v1/messages: Anthropic's error shape
// for every failure (validation, auth, allow-list, 404, 405, upstream outages as 529), the
// stream's guarantees (fallback before the first byte, then an `error` event; abort on
// disconnect), and the warnings for what a request asked for and did not get.
describe('/v1/messages errors, warnings and stream guarantees', () => {
  let g: ModelsGateway;
  const sdk = (key: string = MODEL_CLIENT_KEYS.all) => new Anthropic({ apiKey: key, baseURL: g.t.url, maxRetries: 0 });
  const post = (body: unknown, headers: Record<string, string> = {}) => g.t.post('/v1/messages', body, { 'x-api-key': MODEL_CLIENT_KEYS.all, 'anthropic-version': '2023-06-01', ...headers });
  const hello = (model: string, extra: Record<string, unknown> = {}) => ({ model, max_tokens: 50, messages: [{ role: 'user', content: 'Hello' }], ...extra });

  beforeAll(async () => {
    g = await startModelsGateway();
  });
  afterAll(() => g.close());
  afterEach(() => g.reset());

  it('names the field at fault in a 400 invalid_request_error, for the schema and for the blocks', async () => {
    const cases: [unknown, string][] = [
      [{ model: MODELS.openai, messages: [{ role: 'user', content: 'x' }] }, 'max_tokens is required'],
      [hello(MODELS.openai, { temperature: 1.5 }), 'temperature must be <= 1'],
      [hello(MODELS.openai, { top_n: 3 }), 'unknown field "top_n"'],
      [hello(MODELS.openai, { messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }] }] }), 'messages.0.content.0.type: is "document": documents (PDFs, text files) are not passed on'],
      [hello(MODELS.openai, { messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: { type: 'persistent' } }] }] }), 'messages.0.content.0.cache_control.type: must be "ephemeral"'],
      [hello(MODELS.openai, { messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'x', input: {} }] }, { role: 'user', content: 'b' }] }), 'messages.1.content.0.id: ("t1", x) has no tool message answering it'],
      [hello(MODELS.openai, { messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'tool_result', tool_use_id: 't1' }] }] }), 'messages.0.content.1.type: is a tool_result after other content'],
      [hello(MODELS.openai, { tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }] }), 'tools.0.type: is "web_search_20250305": Anthropic\'s server tools run inside Anthropic\'s API'],
      [hello(MODELS.openai, { tool_choice: { type: 'tool', name: 'nope' } }), 'tool_choice: asks for a tool call'],
      [hello(MODELS.openai, { mcp_servers: [] }), 'mcp_servers: needs Anthropic\'s own servers'],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status, message).toBe(400);
      const answer = await readJson(res);
      expect(answer, message).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect(answer.error.message, message).toContain(message);
      expect(answer.request_id).toBe(res.headers.get('request-id'));
    }
    const beta = await post(hello(MODELS.openai), { 'anthropic-beta': 'bad flag!' });
    expect((await readJson(beta)).error.message).toMatch(/^anthropic-beta: "bad flag!" is not a beta flag/);
    expect(g.openai.requests).toHaveLength(0);
  });

  it('answers auth, allow-list, unknown model, wrong method and unknown path in Anthropic\'s shape, as the SDK classes them', async () => {
    await expect(sdk('ossa-wrong-key-0123456789abcdefghij').messages.create(hello(MODELS.openai) as Anthropic.MessageCreateParamsNonStreaming)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    await expect(sdk(MODEL_CLIENT_KEYS.web).messages.create(hello(MODELS.openai) as Anthropic.MessageCreateParamsNonStreaming)).rejects.toBeInstanceOf(Anthropic.PermissionDeniedError);
    const missing = await sdk().messages.create(hello('gpt-4') as Anthropic.MessageCreateParamsNonStreaming).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.APIError>).error as unknown).toMatchObject({ type: 'error', error: { type: 'not_found_error', message: `no agent or model named "gpt-4"; did you mean "${MODELS.openai}"?` } });

    const noKey = await g.t.post('/v1/messages', hello(MODELS.openai));
    expect(noKey.status).toBe(401);
    expect(await readJson(noKey)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const method = await g.t.get('/v1/messages');
    expect([method.status, method.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await readJson(method)).error.type).toBe('invalid_request_error');
    const unknown = await g.t.post('/v1/messages/batches', {});
    expect(unknown.status).toBe(404);
    expect(await readJson(unknown)).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    // Any model-surface path asked by an Anthropic client (anthropic-version) answers its way.
    const models = await g.t.get('/v1/models/nope', { 'x-api-key': MODEL_CLIENT_KEYS.all, 'anthropic-version': '2023-06-01' });
    expect([models.status, (await readJson(models)).error.type]).toEqual([404, 'not_found_error']);
  });

  it('falls back before the first byte, and answers 529 overloaded_error when every provider is down', async () => {
    g.anthropic.mode = { kind: 'error', status: 529 };
    const fallback = await sdk().messages.create(hello(MODELS.anthropic) as Anthropic.MessageCreateParamsNonStreaming);
    expect(fallback.content).toEqual([{ type: 'text', text: 'echo: Hello' }]);
    g.openai.mode = { kind: 'error', status: 503 };
    for (const stream of [false, true]) {
      const res = await post(hello(MODELS.anthropic, { stream }));
      expect(res.status).toBe(529);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await readJson(res)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    }
    // Upstreams that refuse the call (their 400) are the gateway's 502 api_error.
    g.openai.mode = { kind: 'error', status: 400 };
    g.anthropic.mode = { kind: 'error', status: 400 };
    const refused = await post(hello(MODELS.openai));
    expect([refused.status, refused.headers.get('x-should-retry'), (await readJson(refused)).error.type]).toEqual([502, 'false', 'api_error']);
  });

  it('ends a stream that fails midway with an error event and no message_stop; the SDK raises it', async () => {
    g.openai.script({ kind: 'stream-error', afterDeltas: 1 });
    const res = await post(hello(MODELS.openai, { stream: true }));
    expect(res.status).toBe(200);
    const reader = new SseReader(res);
    const events: string[] = [];
    for (let event = await reader.next(); event; event = await reader.next()) events.push(event.event);
    expect(events.at(-1)).toBe('error');
    expect(events).not.toContain('message_stop');
    expect(reader.received.at(-1)!.json).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });

    g.openai.script({ kind: 'stream-error', afterDeltas: 1 });
    const stream = sdk().messages.stream(hello(MODELS.openai) as Anthropic.MessageCreateParamsNonStreaming);
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIError);
  });

  it('stops the upstream call when the client disconnects mid-stream', async () => {
    g.anthropic.script({ kind: 'reply', text: 'one two three four five six', pauseAfterDeltas: 1 });
    const controller = new AbortController();
    const live = await fetch(`${g.t.url}/v1/messages`, { method: 'POST', signal: controller.signal, headers: { 'content-type': 'application/json', 'x-api-key': MODEL_CLIENT_KEYS.all }, body: JSON.stringify(hello(MODELS.anthropic, { stream: true })) });
    const reader = new SseReader(live);
    expect((await reader.next())?.event).toBe('message_start');
    controller.abort();
    await g.anthropic.until(() => g.anthropic.requests.some((request) => request.aborted));
  });

  it('passes beta flags to an Anthropic upstream and says in x-ossa-warning what it did not pass on', async () => {
    const flags = 'claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14';
    const claude = await post(hello(MODELS.anthropic, { thinking: { type: 'enabled', budget_tokens: 2048 }, top_k: 5 }), { 'anthropic-beta': flags });
    expect(claude.status).toBe(200);
    expect(g.anthropic.requests[0]!.headers['anthropic-beta']).toBe('claude-code-20250219,interleaved-thinking-2025-05-14');
    expect(g.anthropic.bodies[0]).toMatchObject({ top_k: 5 });
    expect(g.anthropic.bodies[0]).not.toHaveProperty('thinking');
    expect(claude.headers.get('x-ossa-warning')).toBe(
      'thinking: extended thinking is not passed on by this gateway; answered without it, anthropic-beta: oauth-2025-04-20 not sent: the gateway calls the upstream with its own credential',
    );

    const gpt = await post(hello(MODELS.openai, { top_k: 5 }), { 'anthropic-beta': 'claude-code-20250219' });
    expect(gpt.status).toBe(200);
    expect(g.openai.requests[0]!.headers['anthropic-beta']).toBeUndefined();
    expect(gpt.headers.get('x-ossa-warning')).toBe('anthropic-beta: claude-code-20250219 not sent: gpt is not an Anthropic provider, top_k: not sent: gpt is not an Anthropic provider');
  });
});
