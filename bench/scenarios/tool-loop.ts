import { measureClosedLoop } from '../measure/closed-loop.js';
import { assertAnswers } from '../probes/pipeline-check.js';
import { gatewayExecuteRequest, gatewayToolLoopRequest } from '../requests/bench-requests.js';
import { startGateway } from '../servers/gateway-server.js';
import { addTable, withServer, type Scenario } from './scenario.js';

/**
 * The agent loop's cost (issue #14): one plain completion against a run of two model turns with
 * one tool call between them, both through the full pipeline, every input unique (cache misses).
 * The difference per request, halved, is what a turn of the loop adds.
 */
export const toolLoopScenario: Scenario = {
  id: 'tool-loop',
  describe: () => ({
    title: 'Tool loop: a two-turn run (one tool call) vs one plain completion',
    method:
      'wrk at c16 and c64, every input unique, mock at 0 ms, the full pipeline of bench/configs/full-pipeline.yaml. ' +
      '"plain" is bench-support: one upstream call per request. "tool loop" is bench-tools: the mock answers the first turn with a call of ' +
      'lookup_order (a function tool answered at once by bench/tools/bench-handlers.mjs), the gateway checks its arguments against the schema, ' +
      'runs it and asks again with the result, and the mock answers with text: two upstream calls and one tool call per request. ' +
      'The added CPU and latency per turn are (tool loop - plain) / 2 per request.',
  }),
  async run(ctx, result) {
    const { env } = ctx;
    await ctx.mock.configure({ delayMs: 0, chunkDelayMs: 0 });
    const rows = addTable(result, { title: 'Two-turn tool run vs one plain completion, full pipeline, mock at 0 ms', kind: 'closed' });
    await withServer(
      () => startGateway(env, { name: 'gateway-tool-loop', config: 'full-pipeline.yaml', upstreamUrl: ctx.mock.openAIBaseUrl }),
      async (gateway) => {
        result.commands.push(gateway.command);
        const rowsOf = [
          { key: 'plain', label: 'plain completion (1 turn)', request: gatewayExecuteRequest({ unique: true }) },
          { key: 'tool-loop', label: 'tool loop (2 turns, 1 tool call)', request: gatewayToolLoopRequest({ unique: true }) },
        ];
        for (const { key, label, request } of rowsOf) {
          await assertAnswers(`ossa-gateway (${key})`, gateway.origin, request, `${ctx.nonce()}-check`);
          for (const concurrency of ctx.settings.concurrencies) {
            const { row, command } = await measureClosedLoop(ctx, { key, label, server: gateway, request, concurrency, upstream: 'every-request' });
            rows.push(row);
            result.commands.push(command);
          }
        }
      },
    );
  },
};
