import OpenAI from 'openai';
import type { RunnableToolFunctionWithParse } from 'openai/lib/RunnableFunction';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callToolsFirst, startToolGateway, TOOL_AGENTS, type ToolGateway } from '../support/tool-gateway.js';

// The official openai SDK's tool runner through the gateway, to a mock upstream that answers in
// OpenAI's and in Anthropic's wire format: two parallel tool calls, their results, the answer.
describe('the openai SDK runTools with two tools, through the gateway', () => {
  let g: ToolGateway;
  let client: OpenAI;

  beforeAll(async () => {
    g = await startToolGateway();
    client = new OpenAI({ apiKey: 'no-key-in-dev', baseURL: `${g.t.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => g.close());
  afterEach(async () => {
    g.openai.reset();
    g.anthropic.reset();
    // Each test asks afresh: what it asserts of the upstream calls is not a cache replay.
    await g.t.gateway.cache!.clearAll();
  });

  const weather = { city: 'Paris' };
  const time = { zone: 'Europe/Paris' };
  // The runner's own element type: each tool's arguments are its own (checked by its `parse`).
  // biome-ignore lint: the SDK types a mixed tool list as RunnableToolFunctionWithParse<any>
  type AnyTool = RunnableToolFunctionWithParse<any>;
  const tools = (calls: string[]): AnyTool[] => [
    {
      type: 'function' as const,
      function: {
        name: 'get_weather',
        description: 'The weather in a city now',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
        parse: JSON.parse,
        function: (args: { city: string }) => {
          calls.push(`get_weather ${JSON.stringify(args)}`);
          return `sunny in ${args.city}`;
        },
      },
    },
    {
      type: 'function' as const,
      function: {
        name: 'get_time',
        description: 'The time in a zone now',
        parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'], additionalProperties: false },
        parse: JSON.parse,
        function: (args: { zone: string }) => {
          calls.push(`get_time ${JSON.stringify(args)}`);
          return `noon in ${args.zone}`;
        },
      },
    },
  ];

  for (const [wire, agent] of Object.entries(TOOL_AGENTS)) {
    for (const stream of [false, true]) {
      it(`completes the round trip in ${wire}'s wire format, ${stream ? 'streamed' : 'not streamed'}`, async () => {
        const upstream = g.upstreamOf(agent);
        upstream.mode = callToolsFirst([{ name: 'get_weather', arguments: weather }, { name: 'get_time', arguments: time }]);
        const calls: string[] = [];
        const runner = stream
          ? client.chat.completions.runTools({ model: agent, messages: [{ role: 'user', content: `Weather and time in Paris? (${wire}, streamed)` }], tools: tools(calls), stream: true })
          : client.chat.completions.runTools({ model: agent, messages: [{ role: 'user', content: `Weather and time in Paris? (${wire})` }], tools: tools(calls) });
        const content = await runner.finalContent();

        expect(calls).toEqual(['get_weather {"city":"Paris"}', 'get_time {"zone":"Europe/Paris"}']);
        expect(content).toBe('echo: sunny in Paris noon in Europe/Paris');
        const messages = runner.messages.map((m) => m.role);
        expect(messages).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant']);
        const asked = runner.messages[1] as { tool_calls: { id: string; function: { name: string } }[] };
        expect(asked.tool_calls.map((c) => c.function.name)).toEqual(['get_weather', 'get_time']);
        expect(new Set(asked.tool_calls.map((c) => c.id)).size).toBe(2);
        // Two upstream calls; the second carried both results, each naming its call's id.
        expect(upstream.requests).toHaveLength(2);
        const followUp = JSON.stringify(upstream.requests[1]!.body);
        for (const call of asked.tool_calls) expect(followUp).toContain(call.id);
        expect(followUp).toContain('sunny in Paris');
      });
    }
  }
});
