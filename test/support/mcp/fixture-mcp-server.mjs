// A real MCP server built with @modelcontextprotocol/sdk, for the mcp tool kind's tests: run
// with node it serves over stdio; imported, it serves over streamable HTTP or SSE on 127.0.0.1.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const object = (properties = {}, required = []) => ({ type: 'object', properties, required });
const BASE_TOOLS = [
  { name: 'echo', description: 'Says the text back', inputSchema: object({ text: { type: 'string' } }, ['text']), annotations: { readOnlyHint: true } },
  { name: 'fail', description: 'Always fails', inputSchema: object() },
  { name: 'slow', description: 'Waits ms milliseconds', inputSchema: object({ ms: { type: 'number' } }, ['ms']) },
  { name: 'stats', description: 'Calls seen and calls cancelled', inputSchema: object() },
  { name: 'add_tool', description: 'Adds a tool', inputSchema: object({ name: { type: 'string' } }, ['name']) },
  { name: 'env', description: 'Reads a variable of the server', inputSchema: object({ name: { type: 'string' } }, ['name']) },
  { name: 'mixed', description: 'Answers with every kind of content', inputSchema: object() },
  { name: 'exit', description: 'Exits the process mid-call', inputSchema: object() },
];

/** Shared by every session of one fixture. */
export function newFixtureState() {
  return { calls: 0, cancelled: 0, extraTools: [], servers: new Set() };
}

/** One MCP server (one session) over the shared state. */
export function createFixtureServer(state = newFixtureState()) {
  const server = new Server({ name: 'fixture', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
  state.servers.add(server);
  server.onclose = () => state.servers.delete(server);
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [...BASE_TOOLS, ...state.extraTools.map((name) => ({ name, description: `Added later: ${name}`, inputSchema: object() }))],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    state.calls += 1;
    const args = request.params.arguments ?? {};
    const text = (value) => ({ content: [{ type: 'text', text: value }] });
    switch (request.params.name) {
      case 'echo':
        return text(`echo: ${args.text}`);
      case 'fail':
        return { content: [{ type: 'text', text: 'the tool failed on purpose' }], isError: true };
      case 'slow':
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, Number(args.ms));
          extra.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            state.cancelled += 1;
            resolve();
          });
        });
        return text('slept');
      case 'stats':
        return text(JSON.stringify({ calls: state.calls, cancelled: state.cancelled }));
      case 'add_tool':
        state.extraTools.push(String(args.name));
        for (const each of state.servers) await each.sendToolListChanged().catch(() => undefined);
        return text('added');
      case 'env':
        return text(String(process.env[String(args.name)] ?? '(unset)'));
      case 'mixed':
        return {
          content: [
            { type: 'text', text: 'some text' },
            { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
            { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
            { type: 'resource_link', uri: 'file:///report.pdf', name: 'report' },
          ],
        };
      case 'exit':
        process.stderr.write('fixture exiting on request\n');
        process.exit(3);
      default:
        if (state.extraTools.includes(request.params.name)) return text(`late: ${request.params.name}`);
        return { content: [{ type: 'text', text: `unknown tool ${request.params.name}` }], isError: true };
    }
  });
  return server;
}

/**
 * Serves the fixture on 127.0.0.1: streamable HTTP at /mcp (one session per client) and the
 * old SSE transport at /sse + /messages. `kill()` drops every connection and stops listening,
 * the way a crashed server would.
 */
export async function startHttpFixture(options = {}) {
  const state = newFixtureState();
  const sessions = new Map();
  const sse = new Map();
  const sockets = new Set();
  const http = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (url.pathname === '/sse' && req.method === 'GET') {
        const transport = new SSEServerTransport('/messages', res);
        sse.set(transport.sessionId, transport);
        res.on('close', () => sse.delete(transport.sessionId));
        await createFixtureServer(state).connect(transport);
        return;
      }
      if (url.pathname === '/messages' && req.method === 'POST') {
        const transport = sse.get(url.searchParams.get('sessionId') ?? '');
        if (!transport) return void res.writeHead(404).end();
        return void (await transport.handlePostMessage(req, res));
      }
      if (url.pathname !== '/mcp') return void res.writeHead(404).end();
      if (options.requireAuthorization && req.headers.authorization !== options.requireAuthorization) return void res.writeHead(401).end('unauthorized');
      const id = req.headers['mcp-session-id'];
      let transport = typeof id === 'string' ? sessions.get(id) : undefined;
      if (!transport) {
        if (typeof id === 'string') return void res.writeHead(404).end('unknown session');
        transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (sessionId) => sessions.set(sessionId, transport),
        });
        transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
        await createFixtureServer(state).connect(transport);
      }
      await transport.handleRequest(req, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(http, options.port ?? 0);
  const base = `http://127.0.0.1:${port}`;
  const kill = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => http.close(() => resolve()));
    sessions.clear();
  };
  return { url: `${base}/mcp`, sseUrl: `${base}/sse`, port, state, kill, close: kill };
}

function listen(http, port) {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => resolve(http.address().port));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await createFixtureServer().connect(new StdioServerTransport());
}
