import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/gateway-harness.js';
import { startHttpFixture, type HttpFixture } from '../../test/support/mcp/fixture-mcp-server.mjs';
import type { CliIo } from './cli-io.js';
import { main } from './main.js';

const FIXTURE = fileURLToPath(new URL('../../test/support/mcp/fixture-mcp-server.mjs', import.meta.url));
const fixtures: HttpFixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((fixture) => fixture.close()));
});

async function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env, cwd, readStdin: async () => '' };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('ossa-gateway mcp:list', () => {
  it('lists each server with its tools, names the reason of one that fails, and exits 1', async () => {
    const http = await startHttpFixture({ requireAuthorization: 'Bearer list-token-0123456789' });
    fixtures.push(http);
    const dir = tempDir({
      'ossa.yaml': [
        'ossa:',
        '  mcp:',
        '    servers:',
        '      local:',
        `        command: ${JSON.stringify(process.execPath)}`,
        `        args: [${JSON.stringify(FIXTURE)}]`,
        '      remote:',
        `        url: ${http.url}`,
        '        headers:',
        '          Authorization: Bearer ${MCP_TOKEN}',
        '      broken:',
        `        command: ${JSON.stringify(process.execPath)}`,
        `        args: [-e, 'console.error("no such database"); process.exit(1)']`,
        '',
      ].join('\n'),
    });
    const result = await cli(dir, ['mcp:list'], { MCP_TOKEN: 'list-token-0123456789' });
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('local (stdio): 8 tools');
    expect(lines).toContain('  echo      Says the text back');
    expect(lines).toContain('remote (streamable-http): 8 tools');
    expect(lines.find((line) => line.startsWith('broken (stdio): FAILED: '))).toMatch(/no such database/);
    expect(result.stdout).not.toContain('list-token-0123456789');
  });

  it('prints JSON and exits 0 when every server answers', async () => {
    const dir = tempDir({ 'ossa.yaml': `ossa:\n  mcp:\n    servers:\n      local:\n        command: ${JSON.stringify(process.execPath)}\n        args: [${JSON.stringify(FIXTURE)}]\n` });
    const result = await cli(dir, ['mcp:list', '--json']);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as { name: string; status: string; tools: { name: string }[] }[];
    expect(rows).toMatchObject([{ name: 'local', transport: 'stdio', status: 'ok' }]);
    expect(rows[0]!.tools.map((tool) => tool.name)).toContain('slow');
  });

  it('says there is nothing to list without servers', async () => {
    expect(await cli(tempDir({ 'ossa.yaml': 'ossa: {}\n' }), ['mcp:list'])).toEqual({ code: 0, stdout: '', stderr: 'no MCP servers configured (add them under mcp.servers in ossa.yaml)\n' });
  });
});

describe('ossa-gateway validate with mcp tools', () => {
  it('counts a tool on a configured server as runnable and names an unknown server', async () => {
    const agent = (name: string, server: string) => `apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata:\n  name: ${name}\n  version: 1.0.0\nspec:\n  role: helper\n  tools:\n    - type: mcp\n      name: echo\n      server: ${server}\n`;
    const dir = tempDir({
      'ossa.yaml': `ossa:\n  mcp:\n    servers:\n      local:\n        command: ${JSON.stringify(process.execPath)}\n        args: [${JSON.stringify(FIXTURE)}]\n`,
      'agents/good.ossa.yaml': agent('good', 'local'),
      'agents/bad.ossa.yaml': agent('bad', 'locl'),
    });
    const result = await cli(dir, ['validate']);
    const output = result.stdout + result.stderr;
    expect(output).toMatch(/bad\.ossa\.yaml:\d+:\d+: spec\.tools\[0\]\.server: unknown MCP server "locl" \(did you mean "local"\?\)/);
    expect(output).toMatch(/good[^\n]*runnable: echo/);
  });
});
