import type { BenchContext } from '../bench-context.js';
import { startPortkey } from '../servers/portkey-server.js';
import type { ServerUnderTest } from '../servers/server-under-test.js';
import { skip, withServer, type ScenarioResult } from './scenario.js';

/**
 * Runs `measure` against a Portkey started for it, when the run includes Portkey. Portkey is
 * the yardstick, not the product: if it will not start or answer, its rows are skipped with the
 * reason and the gateway's rows of the scenario still stand.
 */
export async function withPortkey(ctx: BenchContext, result: ScenarioResult, name: string, measure: (server: ServerUnderTest, label: string) => Promise<void>): Promise<void> {
  const portkey = ctx.portkey;
  if ('skipped' in portkey) return skip(ctx, result, 'Portkey', portkey.skipped);
  try {
    await withServer(() => startPortkey(ctx.env, portkey, name), (server) => measure(server, `Portkey ${portkey.version}`));
  } catch (error) {
    if (ctx.env.supervisor.interrupted) throw error;
    skip(ctx, result, 'Portkey', `it failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
