import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { agentManifest, readJson, startTestGateway, type JsonBody, type TestGateway } from '../support/gateway-harness.js';
import { startHttpFixture, type HttpFixture } from '../support/mcp/fixture-mcp-server.mjs';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { callToolsFirst } from '../support/tool-gateway.js';

// Agents with MCP tools run full loops over HTTP: the model (a mock upstream in each wire format)
// asks for a tool, the gateway calls it on a real MCP server (stdio child, streamable HTTP), and
// answers from the result; a server killed mid-run is a tool error, then comes back.
const FIXTURE = fileURLToPath(new URL('../support/mcp/fixture-mcp-server.mjs', import.meta.url));
const AGENTS = { stdio: 'mcp-claude', http: 'mcp-gpt' } as const;

describe('MCP tools in the agent loop', () => {
  let g: TestGateway;
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let remote: HttpFixture;

  beforeAll(async () => {
    [anthropic, openai, remote] = await Promise.all([startMockAnthropic(), startMockOpenAI(), startHttpFixture()]);
    g = await startTestGateway({
      ossa: {
        providers: {
          claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 5, max_retries: 0 },
          gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o', timeout: 5, max_retries: 0 },
        },
        rate_limit: { enabled: false },
        cache: { enabled: false },
        mcp: {
          servers: {
            local: { command: process.execPath, args: [FIXTURE], reconnect: { initial_delay_ms: 20, max_delay_ms: 200 } },
            remote: { transport: 'streamable-http', url: remote.url },
          },
        },
      },
      agents: {
        [AGENTS.stdio]: agentManifest(AGENTS.stdio, { provider: 'claude', model: 'claude-sonnet-4-5' }, '  tools:\n    - type: mcp\n      server: local\n      capabilities: [echo, exit]\n'),
        [AGENTS.http]: agentManifest(AGENTS.http, { provider: 'gpt', model: 'gpt-4o' }, '  tools:\n    - type: mcp\n      server: remote\n      toolNames: [echo]\n'),
      },
      env: { ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-mcp-anthropic-0000', OPENAI_API_KEY: 'sk-TESTKEY-mcp-openai-0000' },
    });
    await vi.waitFor(async () => expect(await mcpChecks()).toEqual({ 'mcp:local': 'ok', 'mcp:remote': 'ok' }), { timeout: 10_000 });
  });
  afterAll(async () => {
    await g?.close();
    await Promise.all([anthropic?.close(), openai?.close(), remote?.close()]);
  });
  afterEach(() => {
    anthropic.reset();
    openai.reset();
  });

  async function mcpChecks(): Promise<Record<string, string>> {
    const body = await readJson(await g.get('/readyz'));
    return Object.fromEntries((body.checks as JsonBody[]).filter((check) => String(check.name).startsWith('mcp:')).map((check) => [check.name, check.status]));
  }

  for (const [transport, agent] of Object.entries(AGENTS)) {
    it(`runs a tool on the MCP server and answers from its result (${transport})`, async () => {
      const upstream = agent === AGENTS.stdio ? anthropic : openai;
      upstream.mode = callToolsFirst([{ name: 'echo', arguments: { text: `via ${transport}` } }]);
      const res = await g.post(`/v1/agents/${agent}/execute`, { input: 'Say it back' });
      expect(res.status).toBe(200);
      const body = await readJson(res);
      expect(body.finish_reason).toBe('stop');
      expect(body.steps.filter((step: JsonBody) => step.role === 'tool').map((step: JsonBody) => [step.content, step.is_error ?? false])).toEqual([[`echo: via ${transport}`, false]]);
      // The model was offered only the picked tools, and its second turn carried the result.
      expect(JSON.stringify(upstream.requests[0]!.body)).not.toContain('"slow"');
      expect(JSON.stringify(upstream.requests[1]!.body)).toContain(`echo: via ${transport}`);
    });
  }

  it('gives a server killed mid-run back to the model as a tool error, and reconnects (readiness back to ok)', async () => {
    anthropic.mode = callToolsFirst([{ name: 'exit', arguments: {} }]);
    const res = await g.post(`/v1/agents/${AGENTS.stdio}/execute`, { input: 'Crash it' });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    const result = body.steps.find((step: JsonBody) => step.role === 'tool');
    expect(result).toMatchObject({ is_error: true });
    expect(String(result.content)).toMatch(/MCP server "local"/);
    await vi.waitFor(async () => expect(await mcpChecks()).toEqual({ 'mcp:local': 'ok', 'mcp:remote': 'ok' }), { timeout: 10_000 });
    anthropic.reset();
    anthropic.mode = callToolsFirst([{ name: 'echo', arguments: { text: 'back again' } }]);
    const again = await readJson(await g.post(`/v1/agents/${AGENTS.stdio}/execute`, { input: 'Again' }));
    expect(again.steps.find((step: JsonBody) => step.role === 'tool')).toMatchObject({ content: 'echo: back again' });
  });
});
