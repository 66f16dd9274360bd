import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { normalizeConfig } from '../../config/load-config.js';
import { formatIssue } from '../../config/source-issue.js';
import { KnownSecrets } from '../../secrets/known-secrets.js';
import { startHttpFixture, type HttpFixture } from '../../../test/support/mcp/fixture-mcp-server.mjs';
import type { ManifestToolEntry, ServerTool, ToolRunContext, ToolSource } from '../server-tool.js';
import { McpConnectionManager, type McpConnectionManagerOptions } from './mcp-connection-manager.js';
import { mcpToolKind } from './mcp-tool-kind.js';

const FIXTURE = fileURLToPath(new URL('../../../test/support/mcp/fixture-mcp-server.mjs', import.meta.url));
const FAST_RECONNECT = { initial_delay_ms: 20, max_delay_ms: 200 };
const stdio = (extra: Record<string, unknown> = {}) => ({ command: process.execPath, args: [FIXTURE], reconnect: FAST_RECONNECT, ...extra });

const managers: McpConnectionManager[] = [];
const fixtures: HttpFixture[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
  await Promise.all(fixtures.splice(0).map((fixture) => fixture.close().catch(() => undefined)));
  vi.unstubAllEnvs();
});

async function started(servers: Record<string, unknown>, options: McpConnectionManagerOptions = {}): Promise<McpConnectionManager> {
  const { config } = normalizeConfig({ mcp: { servers } }, { env: {} });
  const manager = new McpConnectionManager(config.mcp, { env: {}, ...options });
  managers.push(manager);
  manager.start();
  await manager.settled();
  return manager;
}

async function httpFixture(options?: Parameters<typeof startHttpFixture>[0]): Promise<HttpFixture> {
  const fixture = await startHttpFixture(options);
  fixtures.push(fixture);
  return fixture;
}

function entry(raw: Record<string, unknown>, index = 0): ManifestToolEntry {
  return { index, raw: { type: 'mcp', ...raw }, source: { file: 'agents/ops.ossa.yaml', line: 12, column: 7 } };
}

function sourceOf(manager: McpConnectionManager, raw: Record<string, unknown>, secrets?: KnownSecrets): ToolSource {
  const resolution = mcpToolKind(manager, secrets).resolve(entry(raw), 'ops');
  if (!('source' in resolution)) throw new Error(formatIssue(resolution.problem));
  return resolution.source;
}

function tool(source: ToolSource, name: string): ServerTool {
  const found = source.tools().find((each) => each.definition.name === name);
  if (!found) throw new Error(`no tool ${name}: ${source.tools().map((each) => each.definition.name).join(', ')} (${source.unavailable() ?? 'available'})`);
  return found;
}

function context(signal: AbortSignal = new AbortController().signal): ToolRunContext {
  return { signal, requestId: 'req-1', agent: 'ops', callId: 'call-1', deadline: Date.now() + 30_000 };
}

describe('mcp tools over stdio', () => {
  it('offers the tools the manifest picks, with the server schema, and runs a call with its arguments', async () => {
    const manager = await started({ fixture: stdio() });
    const source = sourceOf(manager, { server: 'fixture', capabilities: ['echo', { name: 'fail' }] });
    expect(source.unavailable()).toBeUndefined();
    expect(source.tools().map((each) => each.definition.name)).toEqual(['echo', 'fail']);
    const echo = tool(source, 'echo');
    expect(echo).toMatchObject({ kind: 'mcp', readOnly: true, timeoutMs: 30_000, definition: { description: 'Says the text back', parameters: { type: 'object', required: ['text'] } } });
    expect(await echo.run({ text: 'hello' }, context())).toEqual({ content: 'echo: hello' });
  });

  it('gives an isError result back as a tool error', async () => {
    const manager = await started({ fixture: stdio() });
    const source = sourceOf(manager, { server: 'fixture', toolNames: ['fail'] });
    expect(await tool(source, 'fail').run({}, context())).toEqual({ content: 'the tool failed on purpose', isError: true });
  });

  it('shows a tool the server adds (notifications/tools/list_changed) at the next read', async () => {
    const manager = await started({ fixture: stdio() });
    const source = sourceOf(manager, { server: 'fixture' });
    expect(source.tools().map((each) => each.definition.name)).not.toContain('late_tool');
    await tool(source, 'add_tool').run({ name: 'late_tool' }, context());
    await vi.waitFor(() => expect(source.tools().map((each) => each.definition.name)).toContain('late_tool'));
    expect(await tool(source, 'late_tool').run({}, context())).toEqual({ content: 'late: late_tool' });
  });

  it('sends notifications/cancelled to the server when the call is aborted', async () => {
    const manager = await started({ fixture: stdio() });
    const source = sourceOf(manager, { server: 'fixture' });
    const abort = new AbortController();
    const call = tool(source, 'slow').run({ ms: 20_000 }, context(abort.signal));
    setTimeout(() => abort.abort(new Error('client gone')), 50);
    await expect(call).rejects.toThrow('client gone');
    await vi.waitFor(async () => expect(JSON.parse(String((await tool(source, 'stats').run({}, context())).content))).toMatchObject({ cancelled: 1 }));
  });

  it('ends a call past the timeout_seconds of the manifest, and the server hears it was cancelled', async () => {
    const manager = await started({ fixture: stdio() });
    const source = sourceOf(manager, { server: 'fixture', timeout_seconds: 0.2 });
    const slow = tool(source, 'slow');
    expect(slow.timeoutMs).toBe(200);
    await expect(slow.run({ ms: 20_000 }, context())).rejects.toThrow('MCP server "fixture": no answer within 200 ms');
    await vi.waitFor(async () => expect(JSON.parse(String((await tool(source, 'stats').run({}, context())).content))).toMatchObject({ cancelled: 1 }));
    expect(source.unavailable()).toBeUndefined();
  });

  it('fails the call when the server dies mid-call, says why while it is down, then reconnects', async () => {
    const manager = await started({ fixture: stdio() });
    const source = sourceOf(manager, { server: 'fixture', toolNames: ['exit', 'echo'] });
    await expect(tool(source, 'exit').run({}, context())).rejects.toThrow(/MCP server "fixture": .*closed/i);
    // The connection is marked down before the call's rejection is seen, and the retry waits 20 ms.
    expect(source.unavailable()).toMatch(/^MCP server "fixture" is down: .*closed.*fixture exiting on request/i);
    expect(source.tools()).toEqual([]);
    expect(manager.get('fixture')!.snapshot()).toMatchObject({ state: 'down', failures: 1 });
    await vi.waitFor(() => expect(source.unavailable()).toBeUndefined(), { timeout: 5_000 });
    expect(await tool(source, 'echo').run({ text: 'back' }, context())).toEqual({ content: 'echo: back' });
    expect(manager.get('fixture')!.snapshot()).toMatchObject({ state: 'ready', failures: 0 });
  });

  it('names the stderr of a server that exits at start, retries with backoff, and leaves other servers alone', async () => {
    const manager = await started({
      broken: { command: process.execPath, args: ['-e', 'process.stderr.write("missing config file\\n"); process.exit(2)'], reconnect: { initial_delay_ms: 60_000, max_delay_ms: 60_000 } },
      fixture: stdio(),
    });
    const broken = sourceOf(manager, { server: 'broken' });
    expect(broken.tools()).toEqual([]);
    expect(broken.unavailable()).toMatch(/^MCP server "broken" is down: .*missing config file/);
    expect(manager.get('broken')!.snapshot()).toMatchObject({ state: 'down', failures: 1, transport: 'stdio' });
    expect(sourceOf(manager, { server: 'fixture' }).unavailable()).toBeUndefined();
  });

  it('says so when the command does not exist', async () => {
    const manager = await started({ nothing: { command: '/nonexistent/mcp-server', reconnect: { initial_delay_ms: 60_000, max_delay_ms: 60_000 } } });
    expect(sourceOf(manager, { server: 'nothing' }).unavailable()).toMatch(/^MCP server "nothing" is down: .*ENOENT/);
  });

  it('passes env (secrets resolved) but never the gateway environment, and redacts known secrets from results', async () => {
    const token = 'mcp-fixture-token-0123456789abcdef';
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-gateway-only-0123456789');
    const manager = await started({ fixture: stdio({ env: { FIXTURE_TOKEN: '${FIXTURE_TOKEN}', PLAIN: 'visible' } }) }, { env: { FIXTURE_TOKEN: token } });
    const source = sourceOf(manager, { server: 'fixture' }, new KnownSecrets([token]));
    const env = tool(source, 'env');
    expect(await env.run({ name: 'PLAIN' }, context())).toEqual({ content: 'visible' });
    expect(await env.run({ name: 'FIXTURE_TOKEN' }, context())).toEqual({ content: '[redacted]' });
    expect(await env.run({ name: 'ANTHROPIC_API_KEY' }, context())).toEqual({ content: '(unset)' });
  });

  it('reports an env secret that does not resolve without its value', async () => {
    const manager = await started({ fixture: stdio({ env: { TOKEN: '${NOT_SET_ANYWHERE}' }, reconnect: { initial_delay_ms: 60_000, max_delay_ms: 60_000 } }) });
    expect(sourceOf(manager, { server: 'fixture' }).unavailable()).toBe('MCP server "fixture" is down: mcp.servers.fixture.env.TOKEN: NOT_SET_ANYWHERE is not set');
  });

  it('keeps text, images and summaries of other content', async () => {
    const manager = await started({ fixture: stdio() });
    const output = await tool(sourceOf(manager, { server: 'fixture' }), 'mixed').run({}, context());
    expect(output.content).toEqual([
      { type: 'text', text: 'some text' },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'text', text: '[audio (audio/wav), 3 bytes]' },
      { type: 'text', text: '[resource link file:///report.pdf (report)]' },
    ]);
  });
});

describe('mcp tools over HTTP', () => {
  it('lists and calls tools over streamable HTTP, with headers from secrets', async () => {
    const fixture = await httpFixture({ requireAuthorization: 'Bearer http-token-0123456789' });
    const manager = await started({ remote: { transport: 'streamable-http', url: fixture.url, headers: { Authorization: 'Bearer ${MCP_TOKEN}' } } }, { env: { MCP_TOKEN: 'http-token-0123456789' } });
    const source = sourceOf(manager, { server: 'remote', capabilities: ['echo', 'fail'] });
    expect(source.unavailable()).toBeUndefined();
    expect(await tool(source, 'echo').run({ text: 'over http' }, context())).toEqual({ content: 'echo: over http' });
    expect(await tool(source, 'fail').run({}, context())).toMatchObject({ isError: true });
  });

  it('is down with the status when the headers are wrong', async () => {
    const fixture = await httpFixture({ requireAuthorization: 'Bearer right' });
    const manager = await started({ remote: { url: fixture.url, headers: { Authorization: 'Bearer wrong' }, reconnect: { initial_delay_ms: 60_000, max_delay_ms: 60_000 } } });
    expect(sourceOf(manager, { server: 'remote' }).unavailable()).toMatch(/^MCP server "remote" is down: .*(401|unauthorized)/);
  });

  it('refreshes on list_changed and cancels an aborted call over streamable HTTP', async () => {
    const fixture = await httpFixture();
    const manager = await started({ remote: { transport: 'http', url: fixture.url } });
    const source = sourceOf(manager, { server: 'remote' });
    await tool(source, 'add_tool').run({ name: 'late_http' }, context());
    await vi.waitFor(() => expect(source.tools().map((each) => each.definition.name)).toContain('late_http'));
    const abort = new AbortController();
    const call = tool(source, 'slow').run({ ms: 20_000 }, context(abort.signal));
    setTimeout(() => abort.abort(new Error('client gone')), 50);
    await expect(call).rejects.toThrow('client gone');
    await vi.waitFor(() => expect(fixture.state.cancelled).toBe(1));
  });

  it('fails a call when the server goes away mid-call, then reconnects when it is back', async () => {
    const fixture = await httpFixture();
    const manager = await started({ remote: { url: fixture.url, reconnect: FAST_RECONNECT } });
    const source = sourceOf(manager, { server: 'remote' });
    const call = tool(source, 'slow').run({ ms: 20_000 }, context());
    await vi.waitFor(() => expect(fixture.state.calls).toBe(1));
    await fixture.kill();
    await expect(call).rejects.toThrow(/MCP server "remote"/);
    await vi.waitFor(() => expect(source.unavailable()).toMatch(/^MCP server "remote" is (down|connecting)/));
    const again = await httpFixture({ port: fixture.port });
    await vi.waitFor(() => expect(source.unavailable()).toBeUndefined(), { timeout: 5_000 });
    expect(await tool(source, 'echo').run({ text: 'back' }, context())).toEqual({ content: 'echo: back' });
    expect(again.state.calls).toBe(1);
  });

  it('lists and calls tools over SSE', async () => {
    const fixture = await httpFixture();
    const manager = await started({ legacy: { transport: 'sse', url: fixture.sseUrl } });
    const source = sourceOf(manager, { server: 'legacy', toolNames: ['echo'] });
    expect(await tool(source, 'echo').run({ text: 'over sse' }, context())).toEqual({ content: 'echo: over sse' });
  });
});

describe('mcp manifest entries', () => {
  it('reports an unknown server at the entry, with the closest configured name', async () => {
    const manager = await started({ fixture: stdio() });
    const resolution = mcpToolKind(manager).resolve(entry({ server: 'fixtur' }, 3), 'ops');
    expect('problem' in resolution && formatIssue(resolution.problem)).toBe('agents/ops.ossa.yaml:12:7: spec.tools[3].server: unknown MCP server "fixtur" (did you mean "fixture"?)');
  });

  it('refuses a server the manifest would start itself', () => {
    const manager = new McpConnectionManager({ servers: {} });
    const resolution = mcpToolKind(manager).resolve(entry({ name: 'github', config: { server: 'npx -y @modelcontextprotocol/server-github' } }), 'ops');
    expect('problem' in resolution && formatIssue(resolution.problem)).toMatch(/spec\.tools\[0\]\.config\.server: the MCP server is defined in the manifest; .* \(add it under mcp\.servers\.<name>/);
  });

  it('reads the server from config.server, source.uri or the entry name, and the tool from name', async () => {
    const manager = await started({ fixture: stdio() });
    expect(sourceOf(manager, { name: 'x', config: { server: 'fixture' }, capabilities: ['echo'] }).tools().map((each) => each.definition.name)).toEqual(['echo']);
    expect(sourceOf(manager, { name: 'x', source: { type: 'mcp', uri: 'mcp://fixture/stats' } }).tools().map((each) => each.definition.name)).toEqual(['stats']);
    expect(sourceOf(manager, { name: 'fixture', capabilities: [{ name: 'fail' }] }).tools().map((each) => each.definition.name)).toEqual(['fail']);
    // kagent style: the entry's name is the one tool it gives.
    expect(sourceOf(manager, { name: 'echo', server: 'fixture' }).tools().map((each) => each.definition.name)).toEqual(['echo']);
  });

  it('is unavailable, naming them, when none of the picked tools is on the server', async () => {
    const manager = await started({ fixture: stdio() });
    const source = sourceOf(manager, { server: 'fixture', capabilities: ['audit_rbac', 'scan_images'] });
    expect(source.tools()).toEqual([]);
    expect(source.unavailable()).toBe('MCP server "fixture" has no tool "audit_rbac", "scan_images"');
  });
});
