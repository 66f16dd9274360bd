import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { SourceError } from '../config/source-issue.js';
import { KnownSecrets } from '../secrets/known-secrets.js';
import { collectConfigSecrets } from '../secrets/collect-config-secrets.js';
import { openConfiguredVault } from '../secrets/open-configured-vault.js';
import { McpConnectionManager } from '../tools/mcp/mcp-connection-manager.js';
import type { CliCommand, CliIo } from './cli-io.js';

/** One server as `mcp:list` shows it. */
interface ServerRow {
  readonly name: string;
  readonly transport: string;
  readonly status: 'ok' | 'failed';
  readonly reason?: string;
  readonly tools: { readonly name: string; readonly description?: string }[];
}

/** `ossa-gateway mcp:list`: connects to every configured MCP server once and lists its tools (the Symfony bundle's `ossa:mcp:list`). */
export const mcpListCommand: CliCommand = {
  name: 'mcp:list',
  summary: 'connect to the configured MCP servers and list their tools',
  usage: `Usage: ossa-gateway mcp:list [--config FILE] [--json]

Connects to every server under mcp.servers (one attempt each, within its connect_timeout),
lists its tools with their descriptions, and names the reason for a server that fails.
Exits 1 if any server fails.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean' } } });
    const { config, file } = loadConfig({ ...(values.config !== undefined ? { flag: values.config } : {}), env: io.env, cwd: io.cwd });
    const vault = openConfiguredVault(config, io.env, file ?? 'config');
    if (vault.issues.length > 0) throw new SourceError('the secrets vault cannot be opened', vault.issues);
    const secrets = new KnownSecrets(collectConfigSecrets(config, io.env, vault).values);
    const manager = new McpConnectionManager(config.mcp, { env: io.env, ...(vault.vault ? { vault: vault.vault } : {}) });
    if (manager.names().length === 0) {
      if (values.json) io.stdout('[]\n');
      else io.stderr('no MCP servers configured (add them under mcp.servers in ossa.yaml)\n');
      return 0;
    }
    let rows: ServerRow[];
    try {
      manager.start();
      await manager.settled();
      rows = manager.names().map((name) => {
        const connection = manager.get(name)!;
        const snapshot = connection.snapshot();
        const ok = snapshot.state === 'ready';
        return {
          name,
          transport: snapshot.transport,
          status: ok ? 'ok' : 'failed',
          ...(ok ? {} : { reason: secrets.redact(snapshot.reason ?? snapshot.state) }),
          tools: connection.tools().map((tool) => ({ name: tool.name, ...(tool.description ? { description: secrets.redact(tool.description) } : {}) })),
        };
      });
    } finally {
      await manager.close();
    }
    if (values.json) io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    else io.stdout(formatRows(rows));
    return rows.some((row) => row.status === 'failed') ? 1 : 0;
  },
};

function formatRows(rows: readonly ServerRow[]): string {
  const lines: string[] = [];
  for (const row of rows) {
    if (row.status === 'failed') {
      lines.push(`${row.name} (${row.transport}): FAILED: ${row.reason ?? ''}`);
      continue;
    }
    lines.push(`${row.name} (${row.transport}): ${row.tools.length} tool${row.tools.length === 1 ? '' : 's'}`);
    const width = Math.max(0, ...row.tools.map((tool) => tool.name.length));
    for (const tool of row.tools) {
      const description = (tool.description ?? '').split('\n')[0]!.slice(0, 100);
      lines.push(`  ${tool.name.padEnd(width)}  ${description}`.trimEnd());
    }
  }
  return `${lines.join('\n')}\n`;
}
