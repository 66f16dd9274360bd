import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readJson } from '../support/gateway-harness.js';
import { MODEL_CLIENT_KEYS, MODELS, startModelsGateway, type ModelsGateway } from '../support/models-gateway.js';

// Pass-through models (`models.<id>`) on /v1/chat/completions: the client's system prompt,
// tools and settings reach the provider as given, through every layer of the pipeline.
describe('pass-through models on /v1/chat/completions', () => {
  let g: ModelsGateway;
  const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${g.t.url}/v1`, maxRetries: 0 });

  beforeAll(async () => {
    g = await startModelsGateway();
  });
  afterAll(() => g.close());
  afterEach(() => g.reset());

  const weather = { type: 'function' as const, function: { name: 'get_weather', description: 'The weather now', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

  it('sends the client system prompt, tools and settings as given to an Anthropic upstream (no agent prompt)', async () => {
    g.anthropic.script({ kind: 'reply', toolCalls: [{ id: 'toolu_01', name: 'get_weather', arguments: { city: 'Paris' } }] });
    const answer = await client(MODEL_CLIENT_KEYS.cc).chat.completions.create({
      model: MODELS.anthropic,
      messages: [{ role: 'system', content: 'You are a terse weather bot.' }, { role: 'user', content: 'Weather in Paris?' }],
      tools: [weather],
      max_tokens: 20_000,
      temperature: 0.2,
      top_p: 0.9,
    });
    expect(answer.model).toBe(MODELS.anthropic);
    expect(answer.choices[0]?.finish_reason).toBe('tool_calls');
    expect(answer.choices[0]?.message.tool_calls?.[0]).toMatchObject({ id: 'toolu_01', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
    const sent = g.anthropic.bodies[0] as Record<string, unknown>;
    expect(sent).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      system: 'You are a terse weather bot.',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      max_tokens: 20_000,
      top_p: 0.9,
      tools: [{ name: 'get_weather', description: 'The weather now', input_schema: weather.function.parameters }],
    });
    // top_p goes instead of temperature on Anthropic (recent models refuse both).
    expect(sent).not.toHaveProperty('temperature');
  });

  it('runs an agent by the same route with its own prompt first, and keeps its max tokens', async () => {
    await client(MODEL_CLIENT_KEYS.cc).chat.completions.create({ model: 'support', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], max_tokens: 20_000, top_p: 0.5 });
    const sent = g.openai.bodies[0] as { messages: { role: string; content: string }[]; max_tokens: number; top_p?: number };
    expect(sent.messages[0]).toEqual({ role: 'system', content: 'You are the support test agent.\n\nBe brief.' });
    expect(sent.max_tokens).toBe(1024);
    expect(sent.top_p).toBeUndefined();
  });

  it('accepts the key as x-api-key and as api-key, like a bearer key', async () => {
    for (const header of ['x-api-key', 'api-key']) {
      const res = await g.t.post('/v1/chat/completions', { model: MODELS.openai, messages: [{ role: 'user', content: `via ${header}` }] }, { [header]: MODEL_CLIENT_KEYS.all });
      expect(res.status, header).toBe(200);
      expect((await readJson(res)).choices[0].message.content).toBe(`echo: via ${header}`);
    }
    const wrong = await g.t.post('/v1/chat/completions', { model: MODELS.openai, messages: [{ role: 'user', content: 'hi' }] }, { 'x-api-key': `${MODEL_CLIENT_KEYS.all}x` });
    expect(wrong.status).toBe(401);
    expect((await readJson(wrong)).error).toMatchObject({ code: 'invalid_api_key', message: 'the API key is not valid' });
  });

  it('lists the agents and models each client may use, and refuses the others alike', async () => {
    const ids = async (key: string) => (await client(key).models.list()).data.map((model) => model.id);
    expect(await ids(MODEL_CLIENT_KEYS.all)).toEqual(['support', MODELS.anthropic, MODELS.openai]);
    expect(await ids(MODEL_CLIENT_KEYS.cc)).toEqual(['support', MODELS.anthropic]);
    // A client limited to some agents reaches no model until its `models` names one.
    expect(await ids(MODEL_CLIENT_KEYS.web)).toEqual(['support']);
    expect((await client(MODEL_CLIENT_KEYS.all).models.retrieve(MODELS.openai)).id).toBe(MODELS.openai);

    const asWeb = (model: string) => g.t.post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] }, { authorization: `Bearer ${MODEL_CLIENT_KEYS.web}` });
    const forbidden = await asWeb(MODELS.openai);
    const unknown = await asWeb('no-such-model');
    expect([forbidden.status, unknown.status]).toEqual([403, 403]);
    // The same words for a model that exists and a name that does not: nothing to probe.
    expect((await readJson(forbidden)).error).toMatchObject({ code: 'model_not_allowed', message: `client "web" may not use "${MODELS.openai}"` });
    expect((await readJson(unknown)).error).toMatchObject({ code: 'model_not_allowed', message: 'client "web" may not use "no-such-model"' });
    const typo = await g.t.post('/v1/chat/completions', { model: 'gpt-4', messages: [{ role: 'user', content: 'hi' }] }, { authorization: `Bearer ${MODEL_CLIENT_KEYS.all}` });
    expect(typo.status).toBe(404);
    expect((await readJson(typo)).error.message).toContain(`did you mean "${MODELS.openai}"?`);
    expect(g.openai.requests).toHaveLength(0);
  });

  it('is not an agent on the native API', async () => {
    const auth = { authorization: `Bearer ${MODEL_CLIENT_KEYS.all}` };
    expect((await readJson(await g.t.get('/v1/agents', auth))).agents.map((a: { name: string }) => a.name)).toEqual(['support']);
    expect((await g.t.post(`/v1/agents/${MODELS.openai}/execute`, { input: 'hi' }, auth)).status).toBe(404);
    expect((await g.t.get(`/v1/agents/${MODELS.openai}`, auth)).status).toBe(404);
  });

  it('goes through the rate limiter and the cache, keyed by the whole request', async () => {
    const ask = (system: string) => g.t.post('/v1/chat/completions', { model: MODELS.openai, messages: [{ role: 'system', content: system }, { role: 'user', content: 'cache me' }] }, { authorization: `Bearer ${MODEL_CLIENT_KEYS.all}` });
    const first = await ask('one');
    const again = await ask('one');
    const other = await ask('two');
    expect([first.headers.get('x-cache'), again.headers.get('x-cache'), other.headers.get('x-cache')]).toEqual(['MISS', 'HIT', 'MISS']);
    expect(first.headers.get('ratelimit-limit')).toBe('1000');
    expect(g.openai.requests).toHaveLength(2);
    expect((g.openai.bodies[1] as { messages: unknown[] }).messages[0]).toEqual({ role: 'system', content: 'two' });
  });

  it('falls back to its fallback model on the other upstream, streamed too', async () => {
    g.anthropic.mode = { kind: 'error', status: 529 };
    const answer = await client(MODEL_CLIENT_KEYS.all).chat.completions.create({ model: MODELS.anthropic, messages: [{ role: 'user', content: 'fall back' }] });
    expect(answer.choices[0]?.message.content).toBe('echo: fall back');
    expect((g.openai.bodies[0] as { model: string }).model).toBe('gpt-4o-mini');

    const stream = await client(MODEL_CLIENT_KEYS.all).chat.completions.create({ model: MODELS.anthropic, messages: [{ role: 'user', content: 'fall back streamed' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: fall back streamed');
    expect(g.anthropic.requests).toHaveLength(2);
  });

  it('counts its requests under its id in the metrics', async () => {
    await client(MODEL_CLIENT_KEYS.all).chat.completions.create({ model: MODELS.openai, messages: [{ role: 'user', content: 'count me' }] });
    const metrics = await (await g.t.get('/metrics')).text();
    expect(metrics).toMatch(new RegExp(`ossa_agent_executions_total\\{[^}]*agent="${MODELS.openai}"`));
  });
});
