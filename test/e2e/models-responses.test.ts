import { Agent, OpenAIProvider, run, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJson } from '../support/gateway-harness.js';
import { MODEL_CLIENT_KEYS, MODELS, startModelsGateway, type ModelsGateway } from '../support/models-gateway.js';
import { guardOutboundFetch } from '../support/tool-gateway.js';

// Pass-through models (`models.<id>`) on POST /v1/responses: the client's instructions, tools
// and settings reach the provider as given, in either wire format, through every layer.
describe('pass-through models on /v1/responses', () => {
  let g: ModelsGateway;
  let outbound: ReturnType<typeof guardOutboundFetch>;
  const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${g.t.url}/v1`, maxRetries: 0 });
  const weather = { type: 'function', name: 'get_weather', description: 'The weather now', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: null } as const;

  beforeAll(async () => {
    setTracingDisabled(true);
    outbound = guardOutboundFetch();
    g = await startModelsGateway();
  });
  afterAll(async () => {
    outbound.restore();
    await g.close();
  });
  afterEach(async () => {
    await g.reset();
    expect(outbound.attempts).toEqual([]);
  });

  it('sends the client\'s instructions, tools and settings as given to an Anthropic upstream, and reports its prompt-cache counts', async () => {
    g.anthropic.script({ kind: 'reply', toolCalls: [{ id: 'toolu_01', name: 'get_weather', arguments: { city: 'Paris' } }], usage: { input: 900, output: 12, cacheRead: 800, cacheWrite: 50 } });
    const response = await client(MODEL_CLIENT_KEYS.cc).responses.create({
      model: MODELS.anthropic,
      instructions: 'You are a terse weather bot.',
      input: 'Weather in Paris?',
      tools: [weather],
      max_output_tokens: 20_000,
      top_p: 0.9,
    });
    expect(response).toMatchObject({ model: MODELS.anthropic, output: [{ type: 'function_call', call_id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    expect(response.usage).toMatchObject({ input_tokens_details: { cached_tokens: 800, cache_write_tokens: 50 }, output_tokens: 12 });
    expect(response.usage!.input_tokens).toBeGreaterThanOrEqual(850);
    const sent = g.anthropic.bodies[0] as Record<string, unknown>;
    expect(sent).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      system: 'You are a terse weather bot.',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      max_tokens: 20_000,
      top_p: 0.9,
      tools: [{ name: 'get_weather', description: 'The weather now', input_schema: weather.parameters }],
    });
  });

  it('runs an agent by the same route with its own prompt first and its own top_p, and refuses a model outside the client\'s list alike', async () => {
    await client(MODEL_CLIENT_KEYS.cc).responses.create({ model: 'support', instructions: 'Be brief.', input: 'Hi', top_p: 0.5 });
    const sent = g.openai.bodies[0] as { messages: { role: string; content: string }[]; top_p?: number };
    expect(sent.messages[0]).toEqual({ role: 'system', content: 'You are the support test agent.\n\nBe brief.' });
    expect(sent.top_p).toBeUndefined();
    const forbidden = await g.t.post('/v1/responses', { model: MODELS.openai, input: 'hi' }, { 'x-api-key': MODEL_CLIENT_KEYS.cc });
    expect(forbidden.status).toBe(403);
    expect((await readJson(forbidden)).error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    expect(g.openai.requests).toHaveLength(1);
  });

  it('runs the OpenAI Agents SDK\'s default Responses model on a pass-through model, streamed, falling back to the other upstream before the first byte', async () => {
    g.openai.mode = { kind: 'error', status: 503 };
    g.anthropic.script({ kind: 'reply', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const asked: string[] = [];
    const agent = new Agent({
      name: 'Weather',
      instructions: 'Use the tool.',
      model: await new OpenAIProvider({ apiKey: MODEL_CLIENT_KEYS.all, baseURL: `${g.t.url}/v1` }).getModel(MODELS.openai),
      tools: [tool({ name: 'get_weather', description: 'The weather now', parameters: z.object({ city: z.string() }), execute: async ({ city }) => (asked.push(city), `cold in ${city}`) })],
    });
    const result = await run(agent, 'Weather in Oslo?', { stream: true });
    for await (const _event of result) void _event;
    await result.completed;
    expect(asked).toEqual(['Oslo']);
    expect(result.finalOutput).toBe('echo: cold in Oslo');
    // Both turns were answered by the fallback, in Anthropic's format, with the SDK's instructions as the whole system prompt.
    expect(g.anthropic.requests).toHaveLength(2);
    expect((g.anthropic.bodies[0] as { system: string }).system).toBe('Use the tool.');
  });
});
