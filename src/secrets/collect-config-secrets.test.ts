import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../config/load-config.js';
import { collectConfigSecrets } from './collect-config-secrets.js';

describe('collectConfigSecrets', () => {
  it("knows MCP servers' env and header secrets, not their plain values", () => {
    const { config } = normalizeConfig(
      { mcp: { servers: { remote: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${MCP_TOKEN}', Accept: 'application/json' } }, local: { command: 'node', env: { GITHUB_TOKEN: '${GH}', LOG_LEVEL: 'debug' } } } } },
      { env: {} },
    );
    const { values } = collectConfigSecrets(config, { MCP_TOKEN: 'mcp-token-0123456789', GH: 'ghp_0123456789abcdef' });
    expect(values).toEqual(expect.arrayContaining(['mcp-token-0123456789', 'ghp_0123456789abcdef']));
    expect(values).not.toContain('debug');
    expect(values).not.toContain('application/json');
  });
});
