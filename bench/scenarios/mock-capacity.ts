import { measureClosedLoop } from '../measure/closed-loop.js';
import { directRequest } from '../requests/bench-requests.js';
import { directTarget } from '../servers/direct-target.js';
import { MockProcess } from '../servers/mock-process.js';
import { addTable, withServer, type Scenario } from './scenario.js';

/**
 * Before anything else: how fast is the mock upstream on a core of its own (the gateway's
 * core, with wrk on the other)? It has to be far faster than any gateway measured against it.
 */
export const mockCapacityScenario: Scenario = {
  id: 'mock-capacity',
  describe: () => ({
    title: 'Mock upstream capacity',
    method:
      'A second mock upstream alone on the server core (where the gateway runs in the other scenarios), wrk on the load core, ' +
      'OpenAI JSON answers at 0 ms, unique inputs. Its req/s is the most any server on that core could be asked to carry here.',
  }),
  async run(ctx, result) {
    const { env } = ctx;
    const rows = addTable(result, { title: 'The mock upstream alone on the server core', kind: 'closed' });
    await withServer(
      () => MockProcess.start(env, env.layout.serverCpu, 'mock-capacity'),
      async (mock) => {
        const target = directTarget(env, mock, env.layout.serverCpu);
        result.commands.push(target.command);
        for (const concurrency of ctx.settings.concurrencies) {
          const { row, command } = await measureClosedLoop(ctx, {
            key: 'mock',
            label: 'mock upstream (server core)',
            server: target,
            request: directRequest(env.paths.bench, { unique: true }),
            concurrency,
            upstream: 'every-request',
            counter: mock,
          });
          rows.push(row);
          result.commands.push(command);
        }
      },
    );
  },
};
