import { createOpenAI } from '@ai-sdk/openai';
import { APICallError, defaultSettingsMiddleware, generateObject, generateText, stepCountIs, streamObject, streamText, tool, wrapLanguageModel } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callToolsFirst, guardOutboundFetch, startToolGateway, TOOL_AGENTS, type ToolGateway } from '../support/tool-gateway.js';

const Recipe = z.object({ name: z.string(), minutes: z.number(), vegetarian: z.boolean(), steps: z.array(z.string()) });

// The Vercel AI SDK (@ai-sdk/openai, its default `openai(id)` on the Responses API and
// `.chat(id)` on chat completions): generateText / streamText with tools and generateObject /
// streamObject, through the gateway to a mock upstream in OpenAI's and in Anthropic's wire
// format.
describe('the Vercel AI SDK with tools and objects, through the gateway', () => {
  let g: ToolGateway;
  let outbound: ReturnType<typeof guardOutboundFetch>;
  let provider: ReturnType<typeof createOpenAI>;

  beforeAll(async () => {
    outbound = guardOutboundFetch();
    g = await startToolGateway();
    provider = createOpenAI({ apiKey: 'no-key-in-dev', baseURL: `${g.t.url}/v1` });
  });
  afterAll(async () => {
    outbound.restore();
    await g.close();
  });
  afterEach(async () => {
    g.openai.reset();
    g.anthropic.reset();
    // Each test asks afresh: what it asserts of the upstream calls is not a cache replay.
    await g.t.gateway.cache!.clearAll();
    expect(outbound.attempts).toEqual([]);
  });

  const weatherTool = (calls: string[]) =>
    tool({
      description: 'The weather in a city now',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        calls.push(city);
        return `sunny in ${city}`;
      },
    });

  for (const [wire, agent] of Object.entries(TOOL_AGENTS)) {
    it(`generateText({tools}) runs the tool and answers with its result (${wire})`, async () => {
      g.upstreamOf(agent).mode = callToolsFirst([{ name: 'get_weather', arguments: { city: 'Paris' } }]);
      const calls: string[] = [];
      const result = await generateText({ model: provider.chat(agent), tools: { get_weather: weatherTool(calls) }, stopWhen: stepCountIs(3), prompt: `Weather in Paris? (${wire})`, maxRetries: 0 });
      expect(calls).toEqual(['Paris']);
      expect(result.text).toBe('echo: sunny in Paris');
      expect(result.steps.map((step) => step.finishReason)).toEqual(['tool-calls', 'stop']);
    });

    it(`streamText({tools}) streams the call, runs the tool, streams the answer (${wire})`, async () => {
      g.upstreamOf(agent).mode = callToolsFirst([{ name: 'get_weather', arguments: { city: 'Paris' } }]);
      const calls: string[] = [];
      const result = streamText({ model: provider.chat(agent), tools: { get_weather: weatherTool(calls) }, stopWhen: stepCountIs(3), prompt: `Weather in Paris, streamed? (${wire})`, maxRetries: 0 });
      let text = '';
      for await (const piece of result.textStream) text += piece;
      expect(calls).toEqual(['Paris']);
      expect(text).toBe('echo: sunny in Paris');
    });

    it(`generateObject and streamObject give an object of the schema (${wire})`, async () => {
      const { object } = await generateObject({ model: provider.chat(agent), schema: Recipe, prompt: `A recipe (${wire})`, maxRetries: 0 });
      expect(Recipe.safeParse(object).success).toBe(true);
      const streamed = streamObject({ model: provider.chat(agent), schema: Recipe, prompt: `A recipe, streamed (${wire})`, maxRetries: 0 });
      for await (const _partial of streamed.partialObjectStream) void _partial;
      expect(Recipe.safeParse(await streamed.object).success).toBe(true);
      expect(JSON.stringify(g.upstreamOf(agent).requests[0]!.body)).toContain('vegetarian');
    });
  }

  // `provider(agent)`: the AI SDK's default model, on POST /v1/responses.
  for (const [wire, agent] of Object.entries(TOOL_AGENTS)) {
    it(`openai(id) (Responses): generateText and streamText run the tool and answer with its result, generateObject gives an object (${wire})`, async () => {
      const upstream = g.upstreamOf(agent);
      upstream.mode = callToolsFirst([{ name: 'get_weather', arguments: { city: 'Paris' } }]);
      const calls: string[] = [];
      const result = await generateText({ model: provider(agent), tools: { get_weather: weatherTool(calls) }, stopWhen: stepCountIs(3), prompt: `Weather in Paris? (${wire})`, maxRetries: 0 });
      expect(result.text).toBe('echo: sunny in Paris');
      expect(result.steps.map((step) => step.finishReason)).toEqual(['tool-calls', 'stop']);
      expect(result.response.id).toMatch(/^resp_/);
      const streamed = streamText({ model: provider(agent), tools: { get_weather: weatherTool(calls) }, stopWhen: stepCountIs(3), prompt: `Weather in Paris, streamed? (${wire})`, maxRetries: 0 });
      let text = '';
      for await (const piece of streamed.textStream) text += piece;
      expect(text).toBe('echo: sunny in Paris');
      expect(calls).toEqual(['Paris', 'Paris']);
      expect(upstream.requests).toHaveLength(4);
      const { object } = await generateObject({ model: provider(agent), schema: Recipe, prompt: `A recipe (${wire})`, maxRetries: 0 });
      expect(Recipe.safeParse(object).success).toBe(true);
    });

    it(`openai(id) (Responses): when the model writes before its call, the default item_reference is refused naming the item, and store: false runs the tool (${wire})`, async () => {
      const calls = callToolsFirst([{ name: 'get_weather', arguments: { city: 'Paris' } }]);
      g.upstreamOf(agent).mode = (request) => {
        const behaviour = calls(request);
        return behaviour.kind === 'reply' && behaviour.toolCalls ? { ...behaviour, text: 'Let me check.' } : behaviour;
      };
      const ran: string[] = [];
      const refused = await generateText({ model: provider(agent), tools: { get_weather: weatherTool(ran) }, stopWhen: stepCountIs(3), prompt: `Weather? (${wire})`, maxRetries: 0 }).catch((e: unknown) => e);
      expect(APICallError.isInstance(refused)).toBe(true);
      expect(refused).toMatchObject({ statusCode: 400, message: expect.stringContaining('input[1].type refers to an item of a stored response') });
      expect(JSON.parse((refused as APICallError).responseBody!)).toMatchObject({ error: { type: 'invalid_request_error', param: 'input[1].type' } });
      // store: false once for the model (README, "Use it from ..."), so the SDK sends its items themselves.
      const stateless = streamText({
        model: wrapLanguageModel({ model: provider(agent), middleware: defaultSettingsMiddleware({ settings: { providerOptions: { openai: { store: false } } } }) }),
        tools: { get_weather: weatherTool(ran) }, stopWhen: stepCountIs(3), prompt: `Weather, stateless? (${wire})`, maxRetries: 0,
      });
      let text = '';
      for await (const piece of stateless.textStream) text += piece;
      expect(text).toBe('Let me check.echo: sunny in Paris');
      expect(ran).toEqual(['Paris', 'Paris']);
      // The model's own words before its call went back to it.
      expect(JSON.stringify(g.upstreamOf(agent).requests.at(-1)!.body)).toContain('Let me check.');
    });
  }
});
