import { describe, expect, it } from 'vitest';
import { parseConfigText } from './load-config.js';
import { formatIssue, SourceError } from './source-issue.js';

function issues(text: string): string[] {
  try {
    parseConfigText(text, 'ossa.yaml', { MCP_TOKEN: 't' });
  } catch (error) {
    if (error instanceof SourceError) return error.issues.map(formatIssue);
    throw error;
  }
  return [];
}

describe('mcp.servers in ossa.yaml', () => {
  it('reads servers with defaults, keeping env and header secrets as references', () => {
    const { config } = parseConfigText(
      'ossa:\n  mcp:\n    servers:\n      files:\n        command: npx\n        args: [-y, "@modelcontextprotocol/server-filesystem", /srv]\n        env:\n          TOKEN: ${MCP_TOKEN}\n      remote:\n        transport: streamable-http\n        url: https://mcp.example.com/mcp\n        headers:\n          Authorization: Bearer ${MCP_TOKEN}\n',
      'ossa.yaml',
      { MCP_TOKEN: 'secret-value' },
    );
    expect(config.mcp.servers['files']).toMatchObject({ command: 'npx', env: { TOKEN: '${MCP_TOKEN}' }, timeout: 30, connect_timeout: 10, reconnect: { initial_delay_ms: 500, max_delay_ms: 30_000 } });
    expect(config.mcp.servers['remote']!.headers).toEqual({ Authorization: 'Bearer ${MCP_TOKEN}' });
  });

  it('positions what a transport misses or does not take', () => {
    expect(issues('ossa:\n  mcp:\n    servers:\n      a:\n        transport: stdio\n      b:\n        transport: sse\n        command: node\n        url: ftp://x\n      c: {}\n')).toEqual([
      'ossa.yaml:5:9: mcp.servers.a.command: the stdio transport needs the command that starts the server',
      'ossa.yaml:8:18: mcp.servers.b.command: a sse server is not started by the gateway (set transport: stdio)',
      'ossa.yaml:9:14: mcp.servers.b.url: expected an http:// or https:// URL, got "ftp://x"',
      'ossa.yaml:10:7: mcp.servers.c: expected a "command" (stdio) or a "url" (streamable-http, sse)',
    ]);
  });

  it('suggests the key meant and names the transports there are', () => {
    expect(issues('ossa:\n  mcp:\n    servers:\n      a:\n        comand: node\n        transport: websocket\n')).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ossa\.yaml:5:9: mcp\.servers\.a\.comand: unknown key .*did you mean "command"/),
      expect.stringMatching(/^ossa\.yaml:6:20: mcp\.servers\.a\.transport: .*stdio.*streamable-http.*sse/),
    ]));
  });
});
