import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../provider-error.js';
import { UpstreamClient } from './upstream-client.js';

const LIMIT = 64 * 1024;

/** An upstream whose answer is chosen by the path; it counts what it managed to write. */
describe('UpstreamClient: a bound on the size of an answer', () => {
  let server: Server;
  let client: UpstreamClient;
  const written = new Map<string, number>();

  /** Writes `total` bytes of `chunk` repeated, honouring backpressure, and records how many went out. */
  async function pour(res: ServerResponse, path: string, chunk: string, total: number): Promise<void> {
    written.set(path, 0);
    for (let sent = 0; sent < total && !res.destroyed; sent += chunk.length) {
      if (!res.write(chunk)) await new Promise((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
      written.set(path, (written.get(path) ?? 0) + chunk.length);
    }
    res.end();
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      const path = req.url ?? '';
      if (path === '/declared') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
        void pour(res, path, 'x'.repeat(16 * 1024), 50 * 1024 * 1024);
      } else if (path === '/chunked') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"text":"');
        void pour(res, path, 'y'.repeat(16 * 1024), 50 * 1024 * 1024);
      } else if (path === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        void pour(res, path, `data: ${JSON.stringify({ delta: 'z'.repeat(1000) })}\n\n`, 50 * 1024 * 1024);
      } else if (path === '/small') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: 'a'.repeat(LIMIT - 20) }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new UpstreamClient({ provider: 'big', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 10_000, maxResponseBytes: LIMIT });
  });
  afterAll(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (path: string) => client.postJson({ path, headers: {}, body: {}, signal: new AbortController().signal });

  async function expectTooLarge(promise: Promise<unknown>): Promise<void> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      kind: 'invalid_response',
      retryable: false,
      message: 'big: the answer is larger than 64 KiB (providers.big.max_response_bytes); it was dropped',
    });
  }

  it('refuses a JSON answer by its Content-Length, before reading it', async () => {
    await expectTooLarge(post('/declared'));
    // The upstream could not write much more than one socket buffer before we hung up.
    expect(written.get('/declared')!).toBeLessThan(8 * 1024 * 1024);
  });

  it('stops reading a chunked JSON answer once it grows past the bound', async () => {
    await expectTooLarge(post('/chunked'));
    expect(written.get('/chunked')!).toBeLessThan(8 * 1024 * 1024);
  });

  it('stops a stream once the bytes received pass the bound, after the events within it', async () => {
    let events = 0;
    const error = await (async () => {
      for await (const _event of client.postSse({ path: '/stream', headers: {}, body: {}, signal: new AbortController().signal }, () => false)) events++;
    })().then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid_response', retryable: false, message: expect.stringMatching(/larger than 64 KiB/) });
    expect(events).toBeGreaterThan(10);
    expect(events).toBeLessThanOrEqual(LIMIT / 1000);
    expect(written.get('/stream')!).toBeLessThan(8 * 1024 * 1024);
  });

  it('reads an answer within the bound as before', async () => {
    expect(await post('/small')).toEqual({ text: 'a'.repeat(LIMIT - 20) });
  });
});
