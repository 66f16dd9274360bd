import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../../test/support/mock-upstreams.js';
import { AnthropicProvider } from './anthropic/anthropic-provider.js';
import { OpenAIProvider } from './openai/openai-provider.js';
import type { ModelCall, Provider, StreamPart } from './provider.js';
import { ProviderError } from './provider-error.js';
import { collectStream } from '../../test/support/model-call.js';

// One failure contract, run against both HTTP adapters and their mock upstreams: every way an
// upstream can fail becomes the same `ProviderError` kind and `retryable` decision.

interface Adapter {
  readonly name: string;
  readonly start: () => Promise<MockUpstream>;
  readonly make: (options: { baseUrl: string; timeoutMs?: number; apiKey?: string }) => Provider & { close(): Promise<void> };
  /** The error code the vendor's 429 body carries. */
  readonly rateLimitCode: string;
}

const adapters: Adapter[] = [
  {
    name: 'anthropic',
    start: startMockAnthropic,
    make: ({ baseUrl, timeoutMs = 2_000, apiKey = 'sk-ant-test' }) => new AnthropicProvider({ name: 'anthropic', apiKey, baseUrl, timeoutMs }),
    rateLimitCode: 'rate_limit_error',
  },
  {
    name: 'openai',
    start: startMockOpenAI,
    make: ({ baseUrl, timeoutMs = 2_000, apiKey = 'sk-test' }) => new OpenAIProvider({ name: 'openai', type: 'openai', apiKey, baseUrl, timeoutMs }),
    rateLimitCode: 'rate_limit_exceeded',
  },
];

const PROMPT = 'my secret prompt about project zebra';

function call(meta: Partial<ModelCall['meta']> = {}): ModelCall {
  return {
    model: 'test-model',
    system: 'You are terse.',
    messages: [{ role: 'user', content: PROMPT }],
    temperature: 0,
    maxTokens: 32,
    meta: { requestId: 'req-1', agent: { name: 'a', version: null }, toolsCount: 0, ...meta },
  };
}

const collect = collectStream;

/** The `ProviderError` a promise rejects with (fails the test if it resolves or throws else). */
async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

const modes = [
  { mode: 'complete', run: (provider: Provider, signal: AbortSignal, model = call()) => provider.complete(model, signal) },
  { mode: 'stream', run: (provider: Provider, signal: AbortSignal, model = call()) => collect(provider.stream(model, signal)) },
] as const;

describe.each(adapters)('$name adapter failures', ({ name, start, make, rateLimitCode }) => {
  let mock: MockUpstream;
  let provider: Provider & { close(): Promise<void> };

  beforeEach(async () => {
    mock = await start();
    provider = make({ baseUrl: mock.url });
  });

  afterEach(async () => {
    await provider.close();
    await mock.close();
  });

  describe.each(modes)('$mode', ({ run }) => {
    it.each([
      [400, false],
      [401, false],
      [403, false],
      [404, false],
      [413, false],
      [422, false],
      [408, true],
      [409, true],
      [429, true],
      [500, true],
      [502, true],
      [503, true],
      [529, true],
    ])('maps HTTP %i to kind http, retryable %s', async (status, retryable) => {
      mock.fail({ status });
      const error = await failure(run(provider, AbortSignal.timeout(5_000)));
      expect(error).toMatchObject({ provider: name, kind: 'http', status, retryable });
      expect(error.message).toMatch(new RegExp(`^${name} answered ${status}\\b`));
    });

    it('names the status and the vendor error code in a 429 message, with Retry-After in ms', async () => {
      mock.fail({ status: 429, retryAfter: '3' });
      const error = await failure(run(provider, AbortSignal.timeout(5_000)));
      expect(error.message).toBe(`${name} answered 429 Too Many Requests (${rateLimitCode})`);
      expect(error.retryAfterMs).toBe(3_000);
    });

    it('prefers retry-after-ms', async () => {
      mock.fail({ status: 503, retryAfter: '3', retryAfterMs: 150 });
      expect((await failure(run(provider, AbortSignal.timeout(5_000)))).retryAfterMs).toBe(150);
    });

    it('obeys x-should-retry: false from the upstream', async () => {
      mock.fail({ status: 500, headers: { 'x-should-retry': 'false' } });
      expect((await failure(run(provider, AbortSignal.timeout(5_000)))).retryable).toBe(false);
    });

    it('drains error bodies: the connection is reused after errors', async () => {
      mock.fail({ status: 500, times: 2 });
      // undici frees a connection a tick after the body ends: settle so reuse is possible
      const settle = () => new Promise((resolve) => setImmediate(resolve));
      await failure(run(provider, AbortSignal.timeout(5_000)));
      await settle();
      await failure(run(provider, AbortSignal.timeout(5_000)));
      await settle();
      await run(provider, AbortSignal.timeout(5_000));
      expect(mock.requests.map((request) => request.connection)).toEqual([1, 1, 1]);
    });

    it('times out when the upstream is slower than timeoutMs (retryable)', async () => {
      await provider.close();
      provider = make({ baseUrl: mock.url, timeoutMs: 100 });
      mock.script({ kind: 'reply', delayMs: 1_000 });
      const error = await failure(run(provider, AbortSignal.timeout(5_000)));
      expect(error).toMatchObject({ kind: 'timeout', retryable: true, message: `${name}: no answer within 100 ms` });
      await mock.until(() => mock.requests[0]?.aborted === true);
    });

    it('stops at the call deadline, not retryable', async () => {
      mock.mode = { kind: 'hang' };
      const error = await failure(run(provider, AbortSignal.timeout(5_000), call({ deadline: Date.now() + 100 })));
      expect(error).toMatchObject({ kind: 'timeout', retryable: false });
      expect(error.message).toMatch(/deadline/);
    });

    it('maps a connection reset to kind network (retryable)', async () => {
      mock.script({ kind: 'reset' });
      const error = await failure(run(provider, AbortSignal.timeout(5_000)));
      expect(error).toMatchObject({ kind: 'network', retryable: true, status: undefined });
      expect(error.message).toBe(`${name}: connection closed by upstream`);
    });

    it('maps a malformed 2xx body to invalid_response (retryable)', async () => {
      mock.script({ kind: 'malformed' });
      const error = await failure(run(provider, AbortSignal.timeout(5_000)));
      expect(error).toMatchObject({ kind: 'invalid_response', retryable: true });
    });

    it('maps a body truncated by a closed socket to invalid_response (retryable)', async () => {
      mock.script({ kind: 'truncate', afterDeltas: 2 });
      const error = await failure(run(provider, AbortSignal.timeout(5_000)));
      expect(error).toMatchObject({ kind: 'invalid_response', retryable: true });
    });

    it('aborts the upstream request when the caller signal fires', async () => {
      mock.mode = { kind: 'hang' };
      const controller = new AbortController();
      const pending = failure(run(provider, controller.signal));
      await mock.until(() => mock.requests.length === 1);
      controller.abort();
      expect(await pending).toMatchObject({ kind: 'aborted', retryable: false, message: `${name}: request aborted by the caller` });
      await mock.until(() => mock.requests[0]?.aborted === true);
    });

    it('sends nothing when the signal is already aborted', async () => {
      const error = await failure(run(provider, AbortSignal.abort()));
      expect(error).toMatchObject({ kind: 'aborted', retryable: false });
      expect(mock.requests).toHaveLength(0);
    });

    it('never puts the key or the prompt in an error, even when the upstream echoes them', async () => {
      const key = 'sk-ant-TESTKEY-DO-NOT-LEAK-123';
      await provider.close();
      provider = make({ baseUrl: mock.url, apiKey: key });
      const echoAll = (request: { headers: Record<string, unknown>; body: unknown }): string =>
        `invalid key ${String(request.headers['x-api-key'] ?? request.headers.authorization)} for ${JSON.stringify(request.body)}`;
      mock.fail({ status: 401, message: echoAll });
      mock.fail({ status: 400, message: echoAll, type: key, code: key });
      mock.fail({ status: 400, type: 'zebra', code: 'zebra' }); // a prompt word as the error code

      for (let attempt = 0; attempt < 3; attempt += 1) {
        const error = await failure(run(provider, AbortSignal.timeout(5_000)));
        for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 10 })]) {
          expect(text).not.toContain('TESTKEY');
          expect(text).not.toContain('zebra');
        }
      }
      expect(JSON.stringify(mock.requests[0]?.body)).toContain('zebra'); // the echo was real
    });

    it('drops an error code that repeats the key, however plain the key', async () => {
      await provider.close();
      provider = make({ baseUrl: mock.url, apiKey: 'plainlowercasekey' });
      mock.fail({ status: 401, type: 'plainlowercasekey', code: 'plainlowercasekey' });
      expect((await failure(run(provider, AbortSignal.timeout(5_000)))).message).toBe(`${name} answered 401 Unauthorized`);
    });
  });

  it('maps connection refused to kind network (retryable)', async () => {
    const port = mock.port;
    await mock.close();
    mock = await start();
    const refused = make({ baseUrl: mock.url.replace(String(mock.port), String(port)) });
    const error = await failure(refused.complete(call(), AbortSignal.timeout(5_000)));
    await refused.close();
    expect(error).toMatchObject({ kind: 'network', retryable: true, message: `${name}: connection refused` });
  });

  it('maps a 2xx JSON body of the wrong shape to invalid_response', async () => {
    mock.script({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: '{"hello": "world"}' });
    expect(await failure(provider.complete(call(), AbortSignal.timeout(5_000)))).toMatchObject({ kind: 'invalid_response', retryable: true });
  });

  it('maps a stream that ends cleanly without its terminal event to invalid_response, after the text so far', async () => {
    mock.script({ kind: 'truncate', afterDeltas: 2, graceful: true });
    const parts: StreamPart[] = [];
    const error = await failure(
      (async () => {
        for await (const part of provider.stream(call(), AbortSignal.timeout(5_000))) parts.push(part);
      })(),
    );
    expect(error).toMatchObject({ kind: 'invalid_response', retryable: true });
    expect(parts).toEqual([
      { type: 'text', text: 'echo: ' },
      { type: 'text', text: 'my ' },
    ]);
  });

  it('times out a stream that stalls between chunks', async () => {
    await provider.close();
    provider = make({ baseUrl: mock.url, timeoutMs: 150 });
    mock.script({ kind: 'reply', chunkDelayMs: 400 });
    expect(await failure(collect(provider.stream(call(), AbortSignal.timeout(5_000))))).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('aborts mid-stream and closes the upstream connection', async () => {
    mock.script({ kind: 'reply', chunkDelayMs: 50 });
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    const error = await failure(
      (async () => {
        for await (const part of provider.stream(call(), controller.signal)) {
          parts.push(part);
          controller.abort();
        }
      })(),
    );
    expect(error.kind).toBe('aborted');
    expect(parts).toHaveLength(1);
    await mock.until(() => mock.requests[0]?.aborted === true);
  });

  it('closes the upstream connection when the consumer stops reading a stream early', async () => {
    mock.script({ kind: 'reply', chunkDelayMs: 50 });
    for await (const part of provider.stream(call(), AbortSignal.timeout(5_000))) if (part.type === 'text') break;
    await mock.until(() => mock.requests[0]?.aborted === true);
  });

  it('reports a mid-stream overload as a retryable error', async () => {
    mock.script({ kind: 'stream-error', afterDeltas: 1, type: name === 'anthropic' ? 'overloaded_error' : 'server_error' });
    const error = await failure(collect(provider.stream(call(), AbortSignal.timeout(5_000))));
    expect(error).toMatchObject({ provider: name, kind: 'http', retryable: true });
    expect(error.message).toMatch(new RegExp(`^${name} stream error \\((overloaded_error|server_error)\\)$`));
  });

  it('reports a mid-stream invalid request as not retryable', async () => {
    mock.script({ kind: 'stream-error', type: 'invalid_request_error' });
    expect(await failure(collect(provider.stream(call(), AbortSignal.timeout(5_000))))).toMatchObject({ kind: 'http', retryable: false });
  });

  it('answers unavailable after close()', async () => {
    await provider.close();
    expect(await failure(provider.complete(call(), AbortSignal.timeout(5_000)))).toMatchObject({ kind: 'unavailable', retryable: false });
  });
});
