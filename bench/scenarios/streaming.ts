import type { BenchContext } from '../bench-context.js';
import { measureOpenLoop } from '../measure/open-loop-runs.js';
import type { MeasuredRow } from '../measure/run-sample.js';
import { FIRST_TOKEN } from '../mock/mock-bodies.js';
import { probeStreaming } from '../probes/streaming-probe.js';
import { directRequest, gatewayChatRequest, gatewayExecuteRequest, portkeyRequest } from '../requests/bench-requests.js';
import type { LoadRequest } from '../requests/load-request.js';
import { directTarget } from '../servers/direct-target.js';
import { startGateway } from '../servers/gateway-server.js';
import type { ServerUnderTest } from '../servers/server-under-test.js';
import { withPortkey } from './portkey-rows.js';
import { addTable, skip, withServer, type Scenario, type ScenarioResult } from './scenario.js';

/** Scenario 7: time to the first token of a stream, direct vs the gateway's two streaming endpoints vs Portkey. */
export const streamingScenario: Scenario = {
  id: 'streaming',
  describe: ({ streaming: { rate, firstByteDelayMs, chunkDelayMs } }) => ({
    title: 'Scenario 7: streaming, time to first token',
    method:
      `The open-loop generator at ${rate} req/s, unique inputs, streamed: it times the first occurrence of the answer's first token ` +
      `("${FIRST_TOKEN}") in the body from each request's scheduled send time, and the end of the stream. The mock sends its first ` +
      `token ${firstByteDelayMs} ms after the request and the other deltas ${chunkDelayMs} ms apart. The gateway (full pipeline) ` +
      'streams through POST /v1/agents/{name}/execute with "stream": true and through its OpenAI-compatible POST /v1/chat/completions.',
  }),
  async run(ctx, result) {
    const { env, settings } = ctx;
    const { rate, firstByteDelayMs, chunkDelayMs } = settings.streaming;
    const rows = addTable(result, {
      title: `Streams at ${rate} req/s: first token ${firstByteDelayMs} ms after the request at the mock, deltas ${chunkDelayMs} ms apart`,
      kind: 'stream',
      baselineKey: 'direct',
    });
    await ctx.mock.configure({ delayMs: firstByteDelayMs, chunkDelayMs });
    try {
      const direct = directTarget(env, ctx.mock, env.layout.loadCpu);
      await measureStream(ctx, result, rows, 'direct', 'direct to the mock', direct, directRequest(env.paths.bench, { unique: true, stream: true }));

      await withServer(
        () => startGateway(env, { name: 'gateway-streaming', config: 'full-pipeline.yaml', upstreamUrl: ctx.mock.openAIBaseUrl }),
        async (gateway) => {
          const endpoints: { key: string; label: string; request: LoadRequest }[] = [
            { key: 'gateway-execute', label: 'ossa-gateway /execute', request: gatewayExecuteRequest({ unique: true, stream: true }) },
            { key: 'gateway-chat', label: 'ossa-gateway /chat/completions', request: gatewayChatRequest({ unique: true, stream: true }) },
          ];
          for (const endpoint of endpoints) {
            const probe = await probeStreaming(gateway.origin, endpoint.request, FIRST_TOKEN, 'the streaming endpoints (issue #8) are not in this build');
            if (!probe.available) {
              skip(ctx, result, endpoint.label, probe.reason);
              continue;
            }
            await measureStream(ctx, result, rows, endpoint.key, endpoint.label, gateway, endpoint.request);
          }
        },
      );

      await withPortkey(ctx, result, 'portkey-streaming', async (server, label) => {
        const request = portkeyRequest(env.paths.bench, { unique: true, stream: true }, ctx.mock.openAIBaseUrl);
        const probe = await probeStreaming(server.origin, request, FIRST_TOKEN, 'Portkey does not stream here (is @hono/node-server pinned to 1.13.8 by the overrides?)');
        if (!probe.available) return skip(ctx, result, 'Portkey', probe.reason);
        await measureStream(ctx, result, rows, 'portkey', label, server, request);
      });
    } finally {
      await ctx.mock.configure({ delayMs: 0, chunkDelayMs: 0 });
    }
  },
};

async function measureStream(ctx: BenchContext, result: ScenarioResult, rows: MeasuredRow[], key: string, label: string, server: ServerUnderTest, request: LoadRequest): Promise<void> {
  if (!result.commands.includes(server.command)) result.commands.push(server.command);
  const { row, command } = await measureOpenLoop(ctx, { key, label, server, request, rate: ctx.settings.streaming.rate, upstream: 'every-request', firstTokenMarker: FIRST_TOKEN });
  rows.push(row);
  result.commands.push(command);
}
