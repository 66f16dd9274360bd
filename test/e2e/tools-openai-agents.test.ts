import { Agent, OpenAIProvider, run, setTracingDisabled, tool } from '@openai/agents';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callToolsFirst, guardOutboundFetch, startToolGateway, TOOL_AGENTS, type ToolGateway } from '../support/tool-gateway.js';

// The OpenAI Agents SDK, with its default Responses model and in chat completions mode, with a
// function tool, through the gateway to a mock upstream in OpenAI's and in Anthropic's wire
// format, streamed and not.
describe('the OpenAI Agents SDK with a function tool, through the gateway', () => {
  let g: ToolGateway;
  // The SDK's own clients (it brings its own openai major): its default, the Responses API
  // (`OpenAIResponsesModel` on POST /v1/responses), and chat completions.
  const models: Record<string, OpenAIProvider> = {};
  let outbound: ReturnType<typeof guardOutboundFetch>;

  beforeAll(async () => {
    // The SDK exports traces to OpenAI by default: off, and anything else leaving the machine is refused and recorded.
    setTracingDisabled(true);
    outbound = guardOutboundFetch();
    g = await startToolGateway();
    models['responses'] = new OpenAIProvider({ apiKey: 'no-key-in-dev', baseURL: `${g.t.url}/v1` });
    models['chat completions'] = new OpenAIProvider({ apiKey: 'no-key-in-dev', baseURL: `${g.t.url}/v1`, useResponses: false });
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

  for (const [api, route] of [['responses', '/v1/responses'], ['chat completions', '/v1/chat/completions']] as const) {
    for (const [wire, agentName] of Object.entries(TOOL_AGENTS)) {
      for (const stream of [false, true]) {
        it(`${api}: runs the tool and answers with its result in ${wire}'s wire format, ${stream ? 'streamed' : 'not streamed'}`, async () => {
          const upstream = g.upstreamOf(agentName);
          upstream.mode = callToolsFirst([{ name: 'lookup_order', arguments: { order_id: 'A-1001' } }, { name: 'order_status', arguments: { order_id: 'A-1001' } }]);
          const looked: string[] = [];
          const agent = new Agent({
            name: 'Support',
            instructions: 'Answer with the order status.',
            model: await models[api]!.getModel(agentName),
            tools: [
              tool({
                name: 'order_status',
                description: 'The status of an order',
                parameters: z.object({ order_id: z.string() }),
                execute: async ({ order_id }) => {
                  looked.push(order_id);
                  return `order ${order_id} shipped`;
                },
              }),
            ],
          });
          let output: unknown;
          if (stream) {
            const result = await run(agent, `Where is order A-1001? (${wire})`, { stream: true });
            for await (const _event of result) void _event;
            await result.completed;
            output = result.finalOutput;
          } else {
            output = (await run(agent, `Where is order A-1001? (${wire})`)).finalOutput;
          }
          expect(looked).toEqual(['A-1001']);
          expect(output).toBe('echo: order A-1001 shipped');
          expect(upstream.requests).toHaveLength(2);
          // The SDK's instructions reached the model after the agent's own prompt.
          expect(JSON.stringify(upstream.requests[0]!.body)).toContain(`You are the ${agentName} test agent.\\n\\nAnswer with the order status.`);
          // The second request carried the model's call and the SDK's result, answering it by the id the upstream gave.
          const followUp = JSON.stringify(upstream.requests[1]!.body);
          const callId = /"((?:call|toolu)_mock1_\d+)"/.exec(followUp)?.[1];
          expect(followUp.split(`"${callId}"`)).toHaveLength(3);
          expect(followUp).toContain('order A-1001 shipped');
          expect(g.t.logs.raw.join('\n')).toContain(`"url":"${route}"`);
        });
      }
    }
  }

  for (const [wire, agentName] of Object.entries(TOOL_AGENTS)) {
    it(`responses: gives an object of the agent's outputType (text.format json_schema) in ${wire}'s wire format`, async () => {
      const Status = z.object({ order_id: z.string(), shipped: z.boolean() });
      const agent = new Agent({ name: 'Support', instructions: 'Answer as JSON.', model: await models['responses']!.getModel(agentName), outputType: Status });
      const { finalOutput } = await run(agent, `Status of A-1001 as JSON (${wire})`);
      expect(Status.safeParse(finalOutput).success).toBe(true);
      expect(JSON.stringify(g.upstreamOf(agentName).requests[0]!.body)).toContain('shipped');
    });
  }
});
