import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from './cli-io.js';
import { gatewayForCli } from './gateway-for-cli.js';

/** `ossa-gateway agents`: what the gateway would serve, and through which provider. */
export const agentsCommand: CliCommand = {
  name: 'agents',
  summary: 'list the agents and who answers each',
  usage: `Usage: ossa-gateway agents [--config FILE] [--json]

Lists every agent with its version, provider and model; an agent whose own provider is
disabled shows the provider that answers for it.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean' } } });
    const gateway = await gatewayForCli(values.config, io);
    try {
      const rows = [...gateway.routes.values()].map((route) => ({
        name: route.agent.name,
        version: route.agent.version,
        provider: route.primary.provider,
        model: route.primary.model,
        served_by: route.usable[0] ? `${route.usable[0].provider}/${route.usable[0].model}` : `unavailable: ${route.unavailable ?? ''}`,
        description: route.agent.description,
      }));
      if (values.json) {
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        return 0;
      }
      const table = [['NAME', 'VERSION', 'PROVIDER', 'MODEL', 'SERVED BY'], ...rows.map((r) => [r.name, r.version ?? '-', r.provider, r.model, r.served_by])];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table) io.stdout(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
      return 0;
    } finally {
      await gateway.close();
    }
  },
};
