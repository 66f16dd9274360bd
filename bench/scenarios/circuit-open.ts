import { measureClosedLoop } from '../measure/closed-loop.js';
import { probeCircuitOpen } from '../probes/circuit-open-probe.js';
import { freePort } from '../proc/free-port.js';
import { gatewayExecuteRequest } from '../requests/bench-requests.js';
import { startGateway } from '../servers/gateway-server.js';
import { addTable, skip, withServer, type Scenario } from './scenario.js';

/** Scenario 6: the agent's provider is down and its breaker open; every request goes straight to the fallback. */
export const circuitOpenScenario: Scenario = {
  id: 'circuit-open',
  describe: () => ({
    title: 'Scenario 6: circuit open, fast fail to the fallback',
    method:
      'bench/configs/circuit-open.yaml: the primary provider points at a port where nothing listens (connections refused), ' +
      'its breaker opens after 3 failures and stays open (reset_timeout 1 hour); its fallback is the mock. A probe opens the ' +
      'breaker and checks the fallback answers; then wrk at c16 and c64 with unique inputs. Every request must reach the mock ' +
      'exactly once (through the fallback) and none may wait on the dead primary. Compare with the gateway row of scenario 2.',
  }),
  async run(ctx, result) {
    await ctx.mock.configure({ delayMs: 0, chunkDelayMs: 0 });
    const rows = addTable(result, { title: 'Circuit open: every request served by the fallback', kind: 'closed' });
    const deadPort = await freePort();
    const request = gatewayExecuteRequest({ unique: true });
    await withServer(
      () =>
        startGateway(ctx.env, {
          name: 'gateway-circuit-open',
          config: 'circuit-open.yaml',
          upstreamUrl: ctx.mock.openAIBaseUrl,
          env: { BENCH_DEAD_URL: `http://127.0.0.1:${deadPort}/v1` },
        }),
      async (gateway) => {
        const probe = await probeCircuitOpen(gateway.origin, request, 'primary', 'upstream');
        if (!probe.available) return skip(ctx, result, 'ossa-gateway (circuit open)', probe.reason);
        result.commands.push(gateway.command);
        for (const concurrency of ctx.settings.concurrencies) {
          const { row, command } = await measureClosedLoop(ctx, { key: 'gateway', label: 'ossa-gateway (primary open)', server: gateway, request, concurrency, upstream: 'every-request' });
          rows.push(row);
          result.commands.push(command);
        }
      },
    );
  },
};
