import type { BenchContext } from '../bench-context.js';
import { measureClosedLoop } from '../measure/closed-loop.js';
import type { MeasuredRow } from '../measure/run-sample.js';
import { assertAnswers } from '../probes/pipeline-check.js';
import { directRequest, gatewayExecuteRequest, portkeyRequest } from '../requests/bench-requests.js';
import type { LoadRequest } from '../requests/load-request.js';
import { directTarget } from '../servers/direct-target.js';
import { startGateway } from '../servers/gateway-server.js';
import { startPortkey } from '../servers/portkey-server.js';
import type { ServerUnderTest } from '../servers/server-under-test.js';
import { newResult, skip, withServer, type Scenario, type ScenarioResult } from './scenario.js';

/**
 * Scenarios 1-3 of the issue, one table: the same request, a cache miss every time, sent
 * (1) straight to the mock, (2) through the gateway's full pipeline, (3) through Portkey.
 */
export const cacheMissScenario: Scenario = {
  id: 'cache-miss',
  title: 'Scenarios 1-3: cache miss, closed loop (direct, ossa-gateway, Portkey)',
  async run(ctx) {
    const { env } = ctx;
    const result = newResult(
      'cache-miss',
      this.title,
      'wrk at c16 and c64, every input unique (so every request misses the cache and reaches the mock), mock at 0 ms. ' +
        'The gateway runs the full pipeline of bench/configs/full-pipeline.yaml: client-key auth, the memory rate limiter (limits never reached), ' +
        'the memory cache, the circuit breaker, the audit file sink and metrics, to the mock through the OpenAI adapter. ' +
        'Portkey gets the OpenAI request the gateway would send upstream (same system prompt, input and settings), routed to the same mock. ' +
        'Direct sends that request to the mock: the physical limit of this machine, since the mock and wrk share the load core in every row.',
    );
    await ctx.mock.configure({ delayMs: 0, chunkDelayMs: 0 });
    const rows: MeasuredRow[] = [];

    rows.push(...(await measureTarget(ctx, result, 'direct', 'direct to the mock', directTarget(env, ctx.mock, env.layout.loadCpu), directRequest(env.paths.bench, { unique: true }))));

    await withServer(
      () => startGateway(env, { name: 'gateway-cache-miss', config: 'full-pipeline.yaml', upstreamUrl: ctx.mock.openAIBaseUrl }),
      async (gateway) => {
        const request = gatewayExecuteRequest({ unique: true });
        await assertAnswers('ossa-gateway', gateway.origin, request, `${ctx.nonce()}-check`);
        rows.push(...(await measureTarget(ctx, result, 'gateway', 'ossa-gateway', gateway, request)));
      },
    );

    const portkey = ctx.portkey;
    if ('skipped' in portkey) skip(ctx, result, 'Portkey', portkey.skipped);
    else {
      await withServer(
        () => startPortkey(env, portkey, 'portkey-cache-miss'),
        async (server) => {
          const request = portkeyRequest(env.paths.bench, { unique: true }, ctx.mock.openAIBaseUrl);
          await assertAnswers('Portkey', server.origin, request, `${ctx.nonce()}-check`);
          rows.push(...(await measureTarget(ctx, result, 'portkey', `Portkey ${portkey.version}`, server, request)));
        },
      );
    }
    result.tables.push({ title: 'Cache miss through the full pipeline, mock at 0 ms', kind: 'closed', rows });
    return result;
  },
};

async function measureTarget(ctx: BenchContext, result: ScenarioResult, key: string, label: string, server: ServerUnderTest, request: LoadRequest): Promise<MeasuredRow[]> {
  result.commands.push(server.command);
  const rows: MeasuredRow[] = [];
  for (const concurrency of ctx.settings.concurrencies) {
    const { row, command } = await measureClosedLoop(ctx, { key, label, server, request, concurrency, upstream: 'every-request' });
    rows.push(row);
    result.commands.push(command);
  }
  return rows;
}
