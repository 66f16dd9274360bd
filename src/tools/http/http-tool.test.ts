import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatIssue } from '../../config/source-issue.js';
import type { HttpToolsConfig } from '../../config/ossa-config.js';
import { KnownSecrets } from '../../secrets/known-secrets.js';
import type { ManifestToolEntry, ServerTool, ToolOutput, ToolRunContext } from '../server-tool.js';
import { httpToolKind, type HttpToolKind, type HttpToolKindOptions } from './http-tool-kind.js';

/** What the tool server saw of one request. */
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

const TOKEN = 'tok-3f9a2c71e5b84d06a1c9';
const API_KEY = 'key-8d1e6b3a0f2c4e9d7b5a';
const PASSWORD = 'pw-5c2e8a1f9d3b7e4c6a0d';
const GATEWAY_KEY = 'sk-ant-api03-gatewaysownkey-0123456789';

const seen: Seen[] = [];
const closedSockets: string[] = [];
const handlers = new Map<string, Handler>();
let server: Server;
let other: Server;
let base: string;
let otherBase: string;
let dir: string;
const kinds: HttpToolKind[] = [];

function listen(target: Server): Promise<string> {
  return new Promise((resolve) => target.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(target.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'http-tool-'));
  writeFileSync(join(dir, 'password'), `${PASSWORD}\n`, { mode: 0o600 });
  server = createServer((request, response) => {
    request.socket.once('close', () => closedSockets.push(request.url ?? ''));
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const handler = handlers.get(path) ?? echo;
      handler(request, response, body);
    });
  });
  other = createServer((_request, response) => response.end('{"from":"the other host"}'));
  base = await listen(server);
  otherBase = await listen(other);
});

afterEach(() => {
  seen.length = 0;
  closedSockets.length = 0;
  handlers.clear();
  vi.useRealTimers();
});

afterAll(async () => {
  await Promise.all(kinds.map((kind) => kind.close()));
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => other.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** Answers with what it received, headers included: the worst case for a leaked credential. */
const echo: Handler = (request, response, body) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ method: request.method, url: request.url, headers: request.headers, body }));
};

const CONFIG: HttpToolsConfig = { allowed_hosts: ['127.0.0.1'], max_response_bytes: 4096, allow_insecure_http: false, max_redirects: 2 };

function kind(overrides: Partial<HttpToolKindOptions> = {}): HttpToolKind {
  const made = httpToolKind({
    config: CONFIG,
    defaultTimeoutMs: 5_000,
    env: { TOOL_TOKEN: TOKEN, TOOL_KEY: API_KEY, TOOL_USER: 'svc-reader' },
    secrets: new KnownSecrets([GATEWAY_KEY]),
    ...overrides,
  });
  kinds.push(made);
  return made;
}

function entry(raw: Record<string, unknown>, index = 0): ManifestToolEntry {
  return { index, raw, source: { file: '/agents/tools.ossa.yaml', line: 21, column: 5 } };
}

function toolOf(raw: Record<string, unknown>, options: Partial<HttpToolKindOptions> = {}): ServerTool {
  const resolution = kind(options).resolve(entry(raw), 'tester');
  if ('problem' in resolution) throw new Error(formatIssue(resolution.problem));
  const [tool] = resolution.source.tools();
  return tool!;
}

function context(signal: AbortSignal = new AbortController().signal): ToolRunContext {
  return { signal, requestId: 'req-42', agent: 'tester', callId: 'call_1', deadline: Date.now() + 10_000 };
}

function text(output: ToolOutput): string {
  return typeof output.content === 'string' ? output.content : JSON.stringify(output.content);
}

const pending = new Set<ServerResponse>();
/** Never answers (until the client goes away). */
const hang: Handler = (_request, response) => {
  pending.add(response);
  response.once('close', () => pending.delete(response));
};

describe('an http tool call', () => {
  it('sends a GET with the arguments as the query string', async () => {
    const tool = toolOf({ type: 'http', name: 'search', endpoint: `${base}/search?lang=en`, method: 'GET' });
    const output = await tool.run({ q: 'rate limits', limit: 5, tags: ['a', 'b'], filter: { year: 2024 } }, context());
    expect(output.isError).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.url).toBe('/search?lang=en&q=rate+limits&limit=5&tags=a&tags=b&filter=%7B%22year%22%3A2024%7D');
    expect(seen[0]!.body).toBe('');
    expect(seen[0]!.headers['x-request-id']).toBe('req-42');
    expect(JSON.parse(text(output)).method).toBe('GET');
    expect(tool.readOnly).toBe(true);
  });

  it('POSTs the arguments as a JSON body by default (config.method of v0.3 manifests read too)', async () => {
    const tool = toolOf({ type: 'api', name: 'notify', endpoint: `${base}/notify`, parameters: { type: 'object', properties: { message: { type: 'string' } } } });
    await tool.run({ message: 'deploy done', priority: 'high' }, context());
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]!.body)).toEqual({ message: 'deploy done', priority: 'high' });
    expect(tool.definition).toEqual({ name: 'notify', parameters: { type: 'object', properties: { message: { type: 'string' } } } });
    expect(tool.readOnly).toBe(false);

    const put = toolOf({ type: 'http', name: 'put_it', endpoint: `${base}/things`, config: { method: 'put', timeout: 3 } });
    await put.run({ a: 1 }, context());
    expect(seen[1]!.method).toBe('PUT');
    expect(put.timeoutMs).toBe(3_000);
  });

  it('fills {param} placeholders of the path from the arguments, URL-encoded, and leaves them out of the body', async () => {
    const tool = toolOf({ type: 'http', name: 'update_order', endpoint: `${base}/orders/{order_id}/notes`, method: 'PATCH' });
    expect(tool.definition.parameters).toEqual({ type: 'object', properties: { order_id: { type: ['string', 'number'] } }, required: ['order_id'] });
    await tool.run({ order_id: '../admin?x=1', note: 'late' }, context());
    expect(seen[0]!.url).toBe('/orders/..%2Fadmin%3Fx%3D1/notes');
    expect(JSON.parse(seen[0]!.body)).toEqual({ note: 'late' });

    const missing = await tool.run({ note: 'late' }, context());
    expect(missing).toEqual({ isError: true, content: 'argument "order_id" is required: it is part of the URL path' });
    expect(seen).toHaveLength(1);
  });

  it.each([
    ['bearer from ${VAR}', { type: 'bearer', credentials: '${TOOL_TOKEN}' }, 'authorization', `Bearer ${TOKEN}`, TOKEN],
    ['bearer from a bare variable name (token_ref)', { type: 'bearer', token_ref: 'TOOL_TOKEN' }, 'authorization', `Bearer ${TOKEN}`, TOKEN],
    ['an api key header', { type: 'apikey', header: 'X-Api-Key', credentials: 'TOOL_KEY' }, 'x-api-key', API_KEY, API_KEY],
    [
      'basic with a password file',
      { type: 'basic', username: 'svc-reader', password: 'file:PASSWORD_FILE' },
      'authorization',
      `Basic ${Buffer.from(`svc-reader:${PASSWORD}`).toString('base64')}`,
      PASSWORD,
    ],
  ])('authenticates with %s, and the secret reaches the server only', async (_label, auth, header, expected, secret) => {
    const resolvedAuth = JSON.parse(JSON.stringify(auth).replace('PASSWORD_FILE', join(dir, 'password'))) as Record<string, unknown>;
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args.join(' ')));
    const tool = toolOf({ type: 'http', name: 'secured', endpoint: `${base}/echo`, auth: resolvedAuth });
    const ok = await tool.run({ ask: 'who am i' }, context());
    handlers.set('/denied', (request, response) => {
      response.statusCode = 401;
      response.end(`denied for ${String(request.headers['authorization'] ?? request.headers['x-api-key'])}`);
    });
    const denied = await toolOf({ type: 'http', name: 'secured', endpoint: `${base}/denied`, auth: resolvedAuth }).run({}, context());
    spy.mockRestore();

    expect(seen[0]!.headers[header]).toBe(expected);
    // The echo server sent the header back: the model sees it redacted.
    expect(text(ok)).toContain('[redacted]');
    expect(denied.isError).toBe(true);
    expect(text(denied)).toMatch(/^HTTP 401: denied for /);
    const everything = [text(ok), text(denied), JSON.stringify(tool), String(tool), ...logged].join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(expected);
  });

  it('redacts the gateway\'s own secrets from an answer', async () => {
    handlers.set('/leak', (_request, response) => response.end(`here is a key: ${GATEWAY_KEY}`));
    const output = await toolOf({ type: 'http', name: 'leaky', endpoint: `${base}/leak`, method: 'GET' }).run({}, context());
    expect(text(output)).toBe('here is a key: [redacted]');
  });

  it.each([
    [404, 'no such order'],
    [503, 'upstream down'],
  ])('gives HTTP %i back as a tool error with the status and the body', async (status, body) => {
    handlers.set('/fail', (_request, response) => {
      response.statusCode = status;
      response.end(body);
    });
    const output = await toolOf({ type: 'http', name: 'failing', endpoint: `${base}/fail` }).run({}, context());
    expect(output).toEqual({ isError: true, content: `HTTP ${status}: ${body}` });
  });

  it('cuts an error body to a short excerpt', async () => {
    handlers.set('/big-error', (_request, response) => {
      response.statusCode = 500;
      response.end('x'.repeat(3_000));
    });
    const output = await toolOf({ type: 'http', name: 'failing', endpoint: `${base}/big-error` }).run({}, context());
    expect(text(output)).toBe(`HTTP 500: ${'x'.repeat(2_048)}`);
  });

  it('fails an answer larger than max_response_bytes, whether declared or streamed', async () => {
    handlers.set('/declared', (_request, response) => response.end('y'.repeat(5_000)));
    handlers.set('/chunked', (_request, response) => {
      for (let i = 0; i < 10; i++) response.write('z'.repeat(1_000));
      response.end();
    });
    const tool = (path: string) => toolOf({ type: 'http', name: 'big', endpoint: `${base}${path}`, method: 'GET' });
    for (const path of ['/declared', '/chunked']) {
      const output = await tool(path).run({}, context());
      expect(output).toEqual({ isError: true, content: 'the answer is larger than 4096 bytes (tools.http.max_response_bytes)' });
    }
    handlers.set('/fits', (_request, response) => response.end('w'.repeat(4_096)));
    expect(text(await tool('/fits').run({}, context()))).toHaveLength(4_096);
  });

  it('describes a binary answer instead of decoding it', async () => {
    handlers.set('/image', (_request, response) => {
      response.setHeader('content-type', 'image/png');
      response.end(Buffer.alloc(300, 1));
    });
    const output = await toolOf({ type: 'http', name: 'image', endpoint: `${base}/image`, method: 'GET' }).run({}, context());
    expect(output).toEqual({ content: '(300 bytes of image/png)' });
  });

  it('gives up on a slow server at its timeout and closes the connection', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    handlers.set('/slow', hang);
    const tool = toolOf({ type: 'http', name: 'slow', endpoint: `${base}/slow`, method: 'GET', timeout_seconds: 2 });
    const call = tool.run({}, context());
    await vi.waitFor(() => expect(pending.size).toBe(1), { timeout: 2_000, interval: 5 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await call).toEqual({ isError: true, content: `no answer from ${new URL(base).host} within 2000 ms` });
    await vi.waitFor(() => expect(closedSockets).toEqual(['/slow']), { timeout: 2_000, interval: 5 });
  });

  it('stops when the run is cancelled (client gone), rejecting with the signal\'s reason and closing the connection', async () => {
    handlers.set('/slow', hang);
    const controller = new AbortController();
    const call = toolOf({ type: 'http', name: 'slow', endpoint: `${base}/slow`, method: 'GET' }).run({}, context(controller.signal));
    await vi.waitFor(() => expect(pending.size).toBe(1), { timeout: 2_000, interval: 5 });
    const reason = new Error('client disconnected');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    await vi.waitFor(() => expect(closedSockets).toEqual(['/slow']), { timeout: 2_000, interval: 5 });
    expect(pending.size).toBe(0);
  });

  it('follows a redirect on the same host, as a GET after a 303', async () => {
    handlers.set('/old', (_request, response) => {
      response.writeHead(303, { location: '/new?page=2' });
      response.end();
    });
    handlers.set('/new', (_request, response) => response.end('moved here'));
    const output = await toolOf({ type: 'http', name: 'moved', endpoint: `${base}/old`, auth: { type: 'bearer', credentials: '${TOOL_TOKEN}' } }).run({ a: 1 }, context());
    expect(output).toEqual({ content: 'moved here' });
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /old', 'GET /new?page=2']);
    expect(seen[1]!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
  });

  it('keeps the method and body on a 307', async () => {
    handlers.set('/temp', (_request, response) => {
      response.writeHead(307, { location: `${base}/echo` });
      response.end();
    });
    await toolOf({ type: 'http', name: 'temp', endpoint: `${base}/temp` }).run({ a: 1 }, context());
    expect(seen.map((request) => `${request.method} ${request.url} ${request.body}`)).toEqual(['POST /temp {"a":1}', 'POST /echo {"a":1}']);
  });

  it('refuses a redirect to another host, naming only the status', async () => {
    handlers.set('/away', (_request, response) => {
      response.writeHead(302, { location: `${otherBase}/steal` });
      response.end();
    });
    const output = await toolOf({ type: 'http', name: 'away', endpoint: `${base}/away`, method: 'GET' }).run({}, context());
    expect(output).toEqual({ isError: true, content: 'HTTP 302: the redirect to another host was refused' });
    expect(text(output)).not.toContain(otherBase);
    expect(seen).toHaveLength(1);
  });

  it('stops after max_redirects', async () => {
    handlers.set('/loop', (_request, response) => {
      response.writeHead(301, { location: '/loop' });
      response.end();
    });
    const output = await toolOf({ type: 'http', name: 'loop', endpoint: `${base}/loop`, method: 'GET' }).run({}, context());
    expect(output).toEqual({ isError: true, content: 'HTTP 301: more than 2 redirects, not followed' });
    expect(seen).toHaveLength(3);
  });

  it('says a server cannot be reached by its error code only', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const output = await toolOf({ type: 'http', name: 'gone', endpoint: `${url}/x?token=abc`, method: 'GET' }).run({}, context());
    expect(output).toEqual({ isError: true, content: `${new URL(url).host} could not be reached (ECONNREFUSED)` });
  });
});
