import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, stepCountIs, streamObject, streamText, tool } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callToolsFirst, guardOutboundFetch, startToolGateway, TOOL_AGENTS, type ToolGateway } from '../support/tool-gateway.js';

const Recipe = z.object({ name: z.string(), minutes: z.number(), vegetarian: z.boolean(), steps: z.array(z.string()) });

// The Vercel AI SDK (@ai-sdk/openai in chat mode): generateText / streamText with tools and
// generateObject / streamObject, through the gateway to a mock upstream in OpenAI's and in
// Anthropic's wire format.
describe('the Vercel AI SDK (chat completions) with tools and objects, through the gateway', () => {
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
});
