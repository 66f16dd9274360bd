import { AIMessage, HumanMessage, ToolMessage, type AIMessageChunk, type MessageContent } from '@langchain/core/messages';
import { ChatOpenAI, ChatOpenAICompletions, type ChatOpenAIFields } from '@langchain/openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callToolsFirst, guardOutboundFetch, startToolGateway, TOOL_AGENTS, type ToolGateway } from '../support/tool-gateway.js';

/**
 * LangChain counts tokens itself when it streams (`getNumTokens`, in the Chat Completions
 * model `ChatOpenAI` delegates to), with a tokenizer it downloads from tiktoken.pages.dev:
 * counting is switched off at that boundary (to the approximation it falls back to anyway),
 * so the suite never leaves the machine; the fetch guard proves it.
 */
class OfflineCompletions extends ChatOpenAICompletions {
  override async getNumTokens(content: MessageContent): Promise<number> {
    return Math.ceil((typeof content === 'string' ? content : JSON.stringify(content)).length / 4);
  }
}

function offlineChatOpenAI(fields: ChatOpenAIFields): ChatOpenAI {
  return new ChatOpenAI({ ...fields, completions: new OfflineCompletions(fields) });
}

const lookup = { name: 'get_weather', description: 'The weather in a city now', schema: z.object({ city: z.string() }) };
const Forecast = z.object({ city: z.string(), celsius: z.number(), sunny: z.boolean() });

// LangChain's ChatOpenAI bindTools and withStructuredOutput, through the gateway to a mock
// upstream in OpenAI's and in Anthropic's wire format, streamed and not.
describe('LangChain ChatOpenAI bindTools and withStructuredOutput, through the gateway', () => {
  let g: ToolGateway;
  let outbound: ReturnType<typeof guardOutboundFetch>;
  const model = (agent: string, streaming: boolean) => offlineChatOpenAI({ model: agent, apiKey: 'no-key-in-dev', configuration: { baseURL: `${g.t.url}/v1` }, maxRetries: 0, streaming });

  beforeAll(async () => {
    outbound = guardOutboundFetch();
    g = await startToolGateway();
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

  for (const [wire, agent] of Object.entries(TOOL_AGENTS)) {
    for (const streaming of [false, true]) {
      const how = streaming ? 'streamed' : 'not streamed';
      it(`bindTools: a tool call, its result, the answer (${wire}, ${how})`, async () => {
        g.upstreamOf(agent).mode = callToolsFirst([{ name: 'get_weather', arguments: { city: 'Paris' } }]);
        const withTools = model(agent, streaming).bindTools([lookup]);
        const question = new HumanMessage(`Weather in Paris? (${wire})`);
        let asked: AIMessage;
        if (streaming) {
          let joined: AIMessageChunk | undefined;
          for await (const chunk of await withTools.stream([question])) joined = joined === undefined ? chunk : joined.concat(chunk);
          asked = joined!;
        } else {
          asked = await withTools.invoke([question]);
        }
        expect(asked.tool_calls).toEqual([{ name: 'get_weather', args: { city: 'Paris' }, id: expect.any(String), type: 'tool_call' }]);
        const answer = await withTools.invoke([question, asked, new ToolMessage({ tool_call_id: asked.tool_calls![0]!.id!, content: '18°C, sunny' })]);
        expect(answer.content).toBe('echo: 18°C, sunny');
        expect(answer.tool_calls).toEqual([]);
      });

      for (const method of ['jsonSchema', 'functionCalling'] as const) {
        it(`withStructuredOutput (${method}): an object of the schema (${wire}, ${how})`, async () => {
          const structured = model(agent, streaming).withStructuredOutput(Forecast, { method, name: 'forecast' });
          const forecast = await structured.invoke(`Forecast for Paris (${wire})`);
          expect(Forecast.safeParse(forecast).success).toBe(true);
          const body = g.upstreamOf(agent).requests[0]!.body as Record<string, unknown>;
          // The schema went upstream: as the format (OpenAI) or a forced tool (Anthropic; or when LangChain asks for a function call).
          expect(JSON.stringify(body)).toContain('celsius');
        });
      }
    }
  }
});
