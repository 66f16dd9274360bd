import { measureOpenLoop } from '../measure/open-loop-runs.js';
import { assertAnswers } from '../probes/pipeline-check.js';
import { directRequest, gatewayExecuteRequest, portkeyRequest } from '../requests/bench-requests.js';
import { directTarget } from '../servers/direct-target.js';
import { startGateway } from '../servers/gateway-server.js';
import { withPortkey } from './portkey-rows.js';
import { addTable, withServer, type Scenario } from './scenario.js';

/**
 * The latency a gateway adds at a realistic, steady rate: 200 req/s against a mock that takes
 * 50 ms, measured open loop (from each request's scheduled send time), direct vs gateway vs Portkey.
 */
export const fixedRateScenario: Scenario = {
  id: 'fixed-rate',
  describe: ({ fixedRate: { rate, upstreamDelayMs } }) => ({
    title: `Fixed rate: added latency over direct (${rate} req/s, mock at ${upstreamDelayMs} ms)`,
    method:
      `The open-loop generator (bench/load/open-loop.ts, on the load core) sends ${rate} req/s on schedule, unique inputs, ` +
      `and times each request from its scheduled send time, so a stall is counted in full. The mock answers after ${upstreamDelayMs} ms. ` +
      "Added latency = the target's percentile minus direct's, medians of the repetitions. The gateway runs the full pipeline.",
  }),
  async run(ctx, result) {
    const { env, settings } = ctx;
    const { rate, upstreamDelayMs } = settings.fixedRate;
    const rows = addTable(result, { title: `${rate} req/s open loop, mock at ${upstreamDelayMs} ms`, kind: 'open', baselineKey: 'direct' });
    await ctx.mock.configure({ delayMs: upstreamDelayMs, chunkDelayMs: 0 });
    try {
      const direct = directTarget(env, ctx.mock, env.layout.loadCpu);
      result.commands.push(direct.command);
      const directRun = await measureOpenLoop(ctx, { key: 'direct', label: 'direct to the mock', server: direct, request: directRequest(env.paths.bench, { unique: true }), rate, upstream: 'every-request' });
      rows.push(directRun.row);
      result.commands.push(directRun.command);

      await withServer(
        () => startGateway(env, { name: 'gateway-fixed-rate', config: 'full-pipeline.yaml', upstreamUrl: ctx.mock.openAIBaseUrl }),
        async (gateway) => {
          const request = gatewayExecuteRequest({ unique: true });
          await assertAnswers('ossa-gateway', gateway.origin, request, `${ctx.nonce()}-check`);
          result.commands.push(gateway.command);
          const run = await measureOpenLoop(ctx, { key: 'gateway', label: 'ossa-gateway', server: gateway, request, rate, upstream: 'every-request' });
          rows.push(run.row);
          result.commands.push(run.command);
        },
      );

      await withPortkey(ctx, result, 'portkey-fixed-rate', async (server, label) => {
        const request = portkeyRequest(env.paths.bench, { unique: true }, ctx.mock.openAIBaseUrl);
        await assertAnswers('Portkey', server.origin, request, `${ctx.nonce()}-check`);
        result.commands.push(server.command);
        const run = await measureOpenLoop(ctx, { key: 'portkey', label, server, request, rate, upstream: 'every-request' });
        rows.push(run.row);
        result.commands.push(run.command);
      });
    } finally {
      await ctx.mock.configure({ delayMs: 0, chunkDelayMs: 0 });
    }
  },
};
