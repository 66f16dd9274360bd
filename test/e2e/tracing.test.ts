import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentManifest, readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { startInMemoryTracing, type InMemoryTracing } from '../support/in-memory-tracing.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { waitFor } from '../support/wait-for.js';

const KEY = 'sk-ant-TESTKEY-tracing-0000000000';

function gatewayOptions(anthropic: MockUpstream, observability: Record<string, unknown> = {}) {
  return {
    ossa: {
      providers: { claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 2, max_retries: 0 } },
      observability: { service_name: 'ossa-trace-test', ...observability },
      // The front layers are on (memory stores), so a trace shows every step of a request.
      rate_limit: { enabled: true, user: { limit: 1000, interval: '1 hour' } },
      cache: { enabled: true },
    },
    agents: { support: agentManifest('support', { provider: 'anthropic', model: 'claude-sonnet-4-5', maxTokens: 64 }) },
    env: { ANTHROPIC_API_KEY: KEY },
  };
}

/** The spans of one trace, by name. */
function traceOf(spans: readonly ReadableSpan[], traceId: string): Map<string, ReadableSpan> {
  return new Map(spans.filter((s) => s.spanContext().traceId === traceId).map((s) => [s.name, s]));
}

/**
 * One trace as an indented tree of span names, children in the order they started. Start
 * times tie at the SDK's clock resolution; ties keep the exporter's order, the order spans
 * ended in, which for siblings that run one after the other is the same.
 */
function treeOf(spans: readonly ReadableSpan[], traceId: string): string {
  const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
  const ids = new Set(inTrace.map((s) => s.spanContext().spanId));
  const started = (s: ReadableSpan) => s.startTime[0] * 1e9 + s.startTime[1];
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number): void => {
    const children = inTrace.filter((s) => (parent === undefined ? !ids.has(s.parentSpanContext?.spanId ?? '') : s.parentSpanContext?.spanId === parent));
    for (const child of children.sort((a, b) => started(a) - started(b))) {
      lines.push(`${'  '.repeat(depth)}${child.name}`);
      walk(child.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

describe('traces of a request (in-memory exporter, as a host application would register it)', () => {
  let tracing: InMemoryTracing;
  let anthropic: MockUpstream;
  let t: TestGateway;

  beforeAll(async () => {
    tracing = startInMemoryTracing();
    anthropic = await startMockAnthropic();
    t = await startTestGateway(gatewayOptions(anthropic));
  });
  afterAll(async () => {
    await t.close();
    await anthropic.close();
    await tracing.stop();
  });
  afterEach(() => {
    anthropic.reset();
    tracing.reset();
  });

  it('gives one request one trace: the HTTP request; the rate-limit check, the cache lookup and the execution under it; the upstream call under that', async () => {
    const res = await t.post('/v1/agents/support/execute', { input: 'Where is my order?' });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    const server = tracing.span('POST /v1/agents/:name/execute');
    const traceId = server.spanContext().traceId;
    expect(treeOf(tracing.spans(), traceId)).toBe(
      ['POST /v1/agents/:name/execute', '  ossa.rate_limit.check', '  ossa.cache.lookup', '  invoke_agent support', '    chat claude-sonnet-4-5'].join('\n'),
    );
    const spans = traceOf(tracing.spans(), traceId);
    expect(tracing.spans()).toHaveLength(spans.size);

    const execution = spans.get('invoke_agent support')!;
    const chat = spans.get('chat claude-sonnet-4-5')!;
    const check = spans.get('ossa.rate_limit.check')!;
    const lookup = spans.get('ossa.cache.lookup')!;
    expect(server.parentSpanContext).toBeUndefined();
    for (const child of [check, lookup, execution]) expect(child.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(chat.parentSpanContext?.spanId).toBe(execution.spanContext().spanId);
    expect(check.attributes).toEqual({ 'ossa.agent': 'support', 'ossa.rate_limit.backend': 'memory', 'ossa.rate_limit.outcome': 'admitted' });
    expect(lookup.attributes).toEqual({ 'ossa.agent': 'support', 'ossa.cache.backend': 'memory', 'ossa.cache.result': 'miss' });

    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/v1/agents/:name/execute', 'url.path': '/v1/agents/support/execute', 'http.response.status_code': 200, 'ossa.request.id': body.request_id });
    expect(execution.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'support',
      'gen_ai.usage.input_tokens': body.usage.input_tokens,
      'gen_ai.usage.output_tokens': body.usage.output_tokens,
      'ossa.provider': 'claude',
    });
    expect(chat.kind).toBe(SpanKind.CLIENT);
    expect(chat.attributes).toMatchObject({
      'gen_ai.system': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.request.max_tokens': 64,
      'gen_ai.response.model': 'claude-sonnet-4-5',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': body.usage.input_tokens,
      'gen_ai.usage.output_tokens': body.usage.output_tokens,
      'server.address': '127.0.0.1',
      'server.port': anthropic.port,
    });
    // Nested in time as well as in ancestry.
    expect(chat.duration[0] * 1e9 + chat.duration[1]).toBeLessThanOrEqual(execution.duration[0] * 1e9 + execution.duration[1]);
    expect(JSON.stringify(spans.get('chat claude-sonnet-4-5')!.attributes)).not.toContain('Where is my order');
  });

  it('answers a repeated request from the cache: a hit, and no execution or upstream span', async () => {
    expect((await t.post('/v1/agents/support/execute', { input: 'asked twice' })).headers.get('x-cache')).toBe('MISS');
    tracing.reset();
    expect((await t.post('/v1/agents/support/execute', { input: 'asked twice' })).headers.get('x-cache')).toBe('HIT');
    const server = tracing.span('POST /v1/agents/:name/execute');
    expect(treeOf(tracing.spans(), server.spanContext().traceId)).toBe(['POST /v1/agents/:name/execute', '  ossa.rate_limit.check', '  ossa.cache.lookup'].join('\n'));
    expect(tracing.span('ossa.cache.lookup').attributes['ossa.cache.result']).toBe('hit');
  });

  it('shows a rejected request: the rate-limit check says which limit, and nothing runs after it', async () => {
    const limited = await startTestGateway({ ...gatewayOptions(anthropic), ossa: { ...gatewayOptions(anthropic).ossa, rate_limit: { enabled: true, user: { limit: 1, interval: '1 hour' } } } });
    try {
      expect((await limited.post('/v1/agents/support/execute', { input: 'first' })).status).toBe(200);
      tracing.reset();
      expect((await limited.post('/v1/agents/support/execute', { input: 'second' })).status).toBe(429);
      const server = tracing.span('POST /v1/agents/:name/execute');
      expect(treeOf(tracing.spans(), server.spanContext().traceId)).toBe(['POST /v1/agents/:name/execute', '  ossa.rate_limit.check'].join('\n'));
      expect(tracing.span('ossa.rate_limit.check').attributes).toMatchObject({ 'ossa.rate_limit.outcome': 'rejected', 'ossa.rate_limit.scope': 'user' });
      // A 429 is the client's to handle, not a server error.
      expect(server.status.code).toBe(SpanStatusCode.UNSET);
    } finally {
      await limited.close();
    }
  });

  it('puts every upstream attempt (a retry, then a fallback) under the one execution', async () => {
    const openai = await startMockOpenAI();
    const base = gatewayOptions(anthropic);
    const chain = await startTestGateway({
      ...base,
      ossa: {
        ...base.ossa,
        providers: {
          claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, max_retries: 1, circuit_breaker: { initial_backoff_ms: 0, fallback_providers: ['gpt'] } },
          gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o' },
        },
      },
      env: { ...base.env, OPENAI_API_KEY: 'sk-TESTKEY-tracing-1111111111' },
    });
    try {
      anthropic.fail({ status: 500, times: 2 });
      const res = await chain.post('/v1/agents/support/execute', { input: 'retried, then served elsewhere' });
      expect(await readJson(res)).toMatchObject({ provider: 'gpt', attempts: 3, fallback_used: true });
      const server = tracing.span('POST /v1/agents/:name/execute');
      expect(treeOf(tracing.spans(), server.spanContext().traceId)).toBe(
        [
          'POST /v1/agents/:name/execute', '  ossa.rate_limit.check', '  ossa.cache.lookup', '  invoke_agent support',
          '    chat claude-sonnet-4-5', '    chat claude-sonnet-4-5', '    chat gpt-4o',
        ].join('\n'),
      );
      const chats = tracing.spans().filter((s) => s.name.startsWith('chat '));
      expect(chats.map((s) => [s.attributes['gen_ai.system'], s.attributes['error.type'] ?? 'ok'])).toEqual([['anthropic', '500'], ['anthropic', '500'], ['openai', 'ok']]);
    } finally {
      await chain.close();
      await openai.close();
    }
  });

  it('traces a streamed request the same way: the execution under the request, each upstream call under the execution', async () => {
    // A question of its own: a repeated one would be replayed from the cache, with no execution.
    const res = await t.post('/v1/agents/support/execute', { input: 'Where is my streamed order?', stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('event: done');
    // The request's span ends once the response finished, just after the client read the body.
    const server = await waitFor(() => tracing.spans().find((s) => s.name === 'POST /v1/agents/:name/execute'));
    // The execution's span ends once the upstream stream is read to its end, which may be just after.
    await waitFor(() => tracing.spans().find((s) => s.name === 'invoke_agent support'));
    expect(treeOf(tracing.spans(), server.spanContext().traceId)).toBe(
      ['POST /v1/agents/:name/execute', '  ossa.rate_limit.check', '  ossa.cache.lookup', '  invoke_agent support', '    chat claude-sonnet-4-5'].join('\n'),
    );
    const spans = tracing.spans().filter((s) => s.spanContext().traceId === server.spanContext().traceId);
    const execution = spans.find((s) => s.name === 'invoke_agent support')!;
    const chat = spans.find((s) => s.name === 'chat claude-sonnet-4-5')!;
    expect(execution.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(chat.parentSpanContext?.spanId).toBe(execution.spanContext().spanId);
    expect(execution.attributes).toMatchObject({ 'ossa.provider': 'claude', 'gen_ai.usage.output_tokens': 6 });
    expect(chat.attributes).toMatchObject({ 'ossa.streamed': true, 'gen_ai.response.finish_reasons': ['stop'] });
  });

  it('continues the trace of a caller that sends a W3C traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    await t.post('/v1/agents/support/execute', { input: 'traced from outside' }, { traceparent: `00-${traceId}-${parentId}-01` });
    const server = tracing.span('POST /v1/agents/:name/execute');
    expect(server.spanContext().traceId).toBe(traceId);
    expect(server.parentSpanContext?.spanId).toBe(parentId);
    expect(traceOf(tracing.spans(), traceId).size).toBe(5);
  });

  it('marks a failed upstream call, the execution and the 503 answer as errors', async () => {
    anthropic.fail({ status: 500 });
    const res = await t.post('/v1/agents/support/execute', { input: 'this one fails' });
    expect(res.status).toBe(503);
    expect(tracing.span('chat claude-sonnet-4-5').attributes['error.type']).toBe('500');
    expect(tracing.span('chat claude-sonnet-4-5').status.code).toBe(SpanStatusCode.ERROR);
    expect(tracing.span('invoke_agent support').status.code).toBe(SpanStatusCode.ERROR);
    const server = tracing.span('POST /v1/agents/:name/execute');
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.attributes['http.response.status_code']).toBe(503);
  });

  it('does not mark a client mistake (4xx) as a server error, and traces no upstream call for it', async () => {
    const res = await t.post('/v1/agents/nobody/execute', { input: 'x' });
    expect(res.status).toBe(404);
    const server = tracing.span('POST /v1/agents/:name/execute');
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    expect(tracing.spans()).toHaveLength(1);
  });

  it('traces no operational route: health checks, scrapes and the status page stay out of traces', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/status', '/status.json']) expect((await t.get(path)).status).toBe(200);
    expect(tracing.spans()).toEqual([]);
  });

  it('leaves a tracer provider the host application registered in place, even with otlp_endpoint set', async () => {
    const other = await startTestGateway(gatewayOptions(anthropic, { otlp_endpoint: 'http://127.0.0.1:9/' }));
    try {
      await other.post('/v1/agents/support/execute', { input: 'x' });
      expect(other.logs.find((l) => String(l['msg']).startsWith('a tracer provider is already registered'))).toBeDefined();
      expect(tracing.spans().map((s) => s.name)).toContain('invoke_agent support');
    } finally {
      await other.close();
    }
  });
});

describe('OTLP export (observability.otlp_endpoint)', () => {
  let collector: Server;
  let received: { path: string; contentType: string; body: string }[];
  let anthropic: MockUpstream;

  beforeAll(async () => {
    received = [];
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    anthropic = await startMockAnthropic();
  });
  afterAll(async () => {
    await anthropic.close();
    await new Promise((resolve) => collector.close(resolve));
  });

  it('exports the request\'s spans to the collector, flushed when the gateway closes', async () => {
    const port = (collector.address() as AddressInfo).port;
    const t = await startTestGateway(gatewayOptions(anthropic, { otlp_endpoint: `http://127.0.0.1:${port}` }));
    const res = await t.post('/v1/agents/support/execute', { input: 'hello' });
    expect(res.status).toBe(200);
    expect(t.logs.find((l) => l['msg'] === 'exporting traces over OTLP/HTTP')).toMatchObject({ otlp_endpoint: `http://127.0.0.1:${port}/v1/traces` });
    await t.close();

    expect(received.length).toBeGreaterThan(0);
    expect(received[0]!.path).toBe('/v1/traces');
    expect(received[0]!.contentType).toMatch(/application\/json/);
    const exported = received.map((r) => JSON.parse(r.body) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { scope: { name: string }; spans: { name: string; traceId: string }[] }[] }[] });
    const resourceSpans = exported.flatMap((e) => e.resourceSpans);
    const service = resourceSpans[0]!.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
    expect(service).toBe('ossa-trace-test');
    const spans = resourceSpans.flatMap((r) => r.scopeSpans).filter((s) => s.scope.name === 'ossa-gateway').flatMap((s) => s.spans);
    expect(spans.map((s) => s.name).sort()).toEqual(['POST /v1/agents/:name/execute', 'chat claude-sonnet-4-5', 'invoke_agent support', 'ossa.cache.lookup', 'ossa.rate_limit.check']);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(JSON.stringify(exported)).not.toContain(KEY);
  });

  it('refuses to start with an otlp_endpoint that is not an http(s) URL', async () => {
    await expect(startTestGateway(gatewayOptions(anthropic, { otlp_endpoint: 'collector:4318' }))).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'observability.otlp_endpoint', message: expect.stringMatching(/http:\/\/ or https:\/\//) })],
    });
  });
});
