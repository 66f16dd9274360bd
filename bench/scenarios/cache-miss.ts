import type { BenchContext } from '../bench-context.js';
import { measureClosedLoop } from '../measure/closed-loop.js';
import type { MeasuredRow } from '../measure/run-sample.js';
import { assertAnswers } from '../probes/pipeline-check.js';
import { AVAILABLE } from '../probes/probe-outcome.js';
import { directRequest, gatewayExecuteRequest, portkeyRequest } from '../requests/bench-requests.js';
import type { LoadRequest } from '../requests/load-request.js';
import { directTarget } from '../servers/direct-target.js';
import { startGateway } from '../servers/gateway-server.js';
import type { ServerUnderTest } from '../servers/server-under-test.js';
import { BASELINE_ROW, measureBaseline } from './baseline-rows.js';
import { withPortkey } from './portkey-rows.js';
import { addTable, withServer, type Scenario, type ScenarioResult } from './scenario.js';

/**
 * Scenarios 1-3 of the issue, one table: the same request, a cache miss every time, sent
 * (1) straight to the mock, (2) through the gateway's full pipeline, (3) through Portkey; and,
 * as the yardstick of issue #12, through a bare Fastify + undici proxy on the gateway's core.
 */
export const cacheMissScenario: Scenario = {
  id: 'cache-miss',
  describe: () => ({
    title: 'Scenarios 1-3: cache miss, closed loop (direct, bare proxy, ossa-gateway, Portkey)',
    method:
      'wrk at c16 and c64, every input unique (so every request misses the cache and reaches the mock), mock at 0 ms. ' +
      'The gateway runs the full pipeline of bench/configs/full-pipeline.yaml: client-key auth, the memory rate limiter (limits never reached), ' +
      'the memory cache, the circuit breaker, the audit file sink and metrics, to the mock through the OpenAI adapter. ' +
      'Portkey gets the OpenAI request the gateway would send upstream (same system prompt, input and settings), routed to the same mock. ' +
      'Direct sends that request to the mock: the physical limit of this machine, since the mock and wrk share the load core in every row. ' +
      'The bare proxy (bench/baselines/bare-proxy.ts, on the gateway\'s core) is the floor of issue #12: Fastify 5 parses the same /execute body, ' +
      'builds the same OpenAI body and calls the mock with undici request() on a keep-alive Pool, then parses the answer and replies JSON, with no layers at all.',
  }),
  async run(ctx, result) {
    const { env } = ctx;
    await ctx.mock.configure({ delayMs: 0, chunkDelayMs: 0 });
    const rows = addTable(result, { title: 'Cache miss through the full pipeline, mock at 0 ms', kind: 'closed' });

    await measureTarget(ctx, result, rows, 'direct', 'direct to the mock', directTarget(env, ctx.mock, env.layout.loadCpu), directRequest(env.paths.bench, { unique: true }));

    const proxyRequest = gatewayExecuteRequest({ unique: true });
    await measureBaseline(ctx, result, rows, {
      row: BASELINE_ROW.proxy,
      kind: 'bare-proxy',
      request: proxyRequest,
      upstream: 'every-request',
      countStatuses: false,
      probe: async (origin) => {
        await assertAnswers(BASELINE_ROW.proxy.label, origin, proxyRequest, `${ctx.nonce()}-check`);
        return AVAILABLE;
      },
    });

    await withServer(
      () => startGateway(env, { name: 'gateway-cache-miss', config: 'full-pipeline.yaml', upstreamUrl: ctx.mock.openAIBaseUrl }),
      async (gateway) => {
        const request = gatewayExecuteRequest({ unique: true });
        await assertAnswers('ossa-gateway', gateway.origin, request, `${ctx.nonce()}-check`);
        await measureTarget(ctx, result, rows, 'gateway', 'ossa-gateway', gateway, request);
      },
    );

    await withPortkey(ctx, result, 'portkey-cache-miss', async (server, label) => {
      const request = portkeyRequest(env.paths.bench, { unique: true }, ctx.mock.openAIBaseUrl);
      await assertAnswers('Portkey', server.origin, request, `${ctx.nonce()}-check`);
      await measureTarget(ctx, result, rows, 'portkey', label, server, request);
    });
  },
};

async function measureTarget(ctx: BenchContext, result: ScenarioResult, rows: MeasuredRow[], key: string, label: string, server: ServerUnderTest, request: LoadRequest): Promise<void> {
  result.commands.push(server.command);
  for (const concurrency of ctx.settings.concurrencies) {
    const { row, command } = await measureClosedLoop(ctx, { key, label, server, request, concurrency, upstream: 'every-request' });
    rows.push(row);
    result.commands.push(command);
  }
}
