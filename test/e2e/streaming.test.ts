import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/audit-record.js';
import type { GatewayEvent } from '../../src/events/gateway-events.js';
import { agentManifest, readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { parsePrometheus, sampleValue } from '../support/prometheus-text.js';
import { postForEvents, type ReceivedEvent, type SseReader } from '../support/sse-client.js';
import { waitFor } from '../support/wait-for.js';

const ENV = { ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-streaming-0000000000', OPENAI_API_KEY: 'sk-TESTKEY-streaming-1111111111' };
const ANSWER = 'The parcel left our warehouse on Monday and should arrive on Thursday.';
const limited = agentManifest('limited', { provider: 'claude', model: 'claude-sonnet-4-5' }, '  safety:\n    rate_limiting:\n      requests_per_minute: 1\n      burst_limit: 1\n');

describe('streamed execution over SSE (POST /v1/agents/{name}/execute with "stream": true)', () => {
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let t: TestGateway;
  const executionEvents: GatewayEvent[] = [];
  let n = 0;

  beforeAll(async () => {
    anthropic = await startMockAnthropic();
    openai = await startMockOpenAI();
    t = await startTestGateway({
      ossa: {
        providers: {
          claude: {
            type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 5, max_retries: 0,
            circuit_breaker: { failure_threshold: 100, fallback_providers: ['gpt'] },
          },
          gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o-mini', timeout: 5, max_retries: 0 },
        },
        rate_limit: { user: { limit: 1000, interval: '1 hour' } },
        cache: { storage: 'memory' },
        security: { audit: { path: 'audit/audit.jsonl' } },
      },
      agents: { support: agentManifest('support', { provider: 'claude', model: 'claude-sonnet-4-5' }), limited },
      env: ENV,
    });
    for (const type of ['agent.execution.start', 'agent.execution.complete', 'agent.execution.error'] as const) {
      t.gateway.events.on(type, (event) => void executionEvents.push(event));
    }
  });
  afterAll(async () => {
    await t.close();
    await anthropic.close();
    await openai.close();
  });
  afterEach(async () => {
    anthropic.resume();
    anthropic.reset();
    openai.reset();
    await t.gateway.cache!.clearAll();
  });

  /** A streamed request with its own id and input (so cache entries never cross tests unless asked). */
  function stream(input: string, options: { body?: Record<string, unknown>; headers?: Record<string, string>; signal?: AbortSignal; agent?: string } = {}) {
    const id = `stream-${++n}`;
    const reader = postForEvents(`${t.url}/v1/agents/${options.agent ?? 'support'}/execute`, { input, stream: true, ...options.body }, { 'x-request-id': id, ...options.headers }, options.signal);
    return { id, reader };
  }

  const kinds = (events: readonly ReceivedEvent[]) => events.map((e) => e.event);
  const text = (events: readonly ReceivedEvent[]) => events.filter((e) => e.event === 'delta').map((e) => e.json.text as string).join('');
  const eventsOf = (id: string) => executionEvents.filter((e) => 'requestId' in e && e.requestId === id).map((e) => e.type);

  async function auditRecords(): Promise<AuditRecord[]> {
    await t.gateway.audit!.flush();
    return readFileSync(join(t.dir, 'audit', 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as AuditRecord);
  }

  async function scrape() {
    return parsePrometheus(await (await t.get('/metrics')).text());
  }

  it('forwards each delta as the upstream sends it: the first arrives while the upstream still holds the rest', async () => {
    anthropic.script({ kind: 'reply', text: 'one two three four', pauseAfterDeltas: 1 });
    const { id, reader: pending } = stream('Where is my order?');
    const reader: SseReader = await pending;
    const res = reader.response;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('x-request-id')).toBe(id);
    expect(res.headers.get('x-cache')).toBe('MISS');
    expect(res.headers.get('ratelimit-limit')).toBe('1000');
    expect(res.headers.get('content-length')).toBeNull();

    expect(await reader.next()).toMatchObject({
      event: 'start',
      json: { request_id: id, agent: { name: 'support', version: '1.0.0' }, provider: 'claude', model: 'claude-sonnet-4-5' },
    });
    expect(await reader.next()).toMatchObject({ event: 'delta', json: { text: 'one ' } });
    // The client has the first word while the upstream has sent nothing more: nothing was buffered.
    expect(anthropic.requests[0]).toMatchObject({ paused: true, finished: false });

    anthropic.resume();
    const rest = await reader.rest();
    expect(kinds(rest)).toEqual(['delta', 'delta', 'delta', 'done']);
    expect(text(reader.received)).toBe('one two three four');
    expect(rest.at(-1)!.json).toEqual({
      request_id: id,
      provider: 'claude',
      model: 'claude-sonnet-4-5',
      usage: { input_tokens: expect.any(Number), output_tokens: 4, total_tokens: expect.any(Number) },
      finish_reason: 'stop',
      fallback_used: false,
      attempts: 1,
      cached: false,
      duration_ms: expect.any(Number),
    });
    expect(anthropic.requests[0]!.body).toMatchObject({ stream: true });
    expect(eventsOf(id)).toEqual(['agent.execution.start', 'agent.execution.complete']);
  });

  it('streams for Accept: text/event-stream too, while "stream": false keeps the JSON answer', async () => {
    const viaHeader = await t.post('/v1/agents/support/execute', { input: 'accept header' }, { accept: 'text/event-stream' });
    expect(viaHeader.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await viaHeader.text()).toMatch(/^event: start\ndata: \{.*\}\n\n(event: delta\ndata: \{.*\}\n\n)+event: done\ndata: \{.*\}\n\n$/);
    const json = await t.post('/v1/agents/support/execute', { input: 'accept header', stream: false }, { accept: 'text/event-stream' });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await readJson(json)).toMatchObject({ output: 'echo: accept header', cached: true });
  });

  it('ends a stream the upstream cut midway with an error event, never done; the audit log has the partial answer; nothing is cached', async () => {
    for (const cut of [{ kind: 'truncate', afterDeltas: 2 }, { kind: 'stream-error', afterDeltas: 2 }] as const) {
      anthropic.script(cut);
      const { id, reader } = stream('Cut me off');
      const events = await (await reader).rest();
      expect(kinds(events), cut.kind).toEqual(['start', 'delta', 'delta', 'error']);
      expect(events[3]!.json).toMatchObject({
        type: 'urn:ossa-gateway:problem:provider-unavailable',
        status: 503,
        provider: 'claude',
        request_id: id,
        instance: '/v1/agents/support/execute',
      });
      expect(eventsOf(id), cut.kind).toEqual(['agent.execution.start', 'agent.execution.error']);
      const failed = (await auditRecords()).find((r) => r.request_id === id && r.event === 'llm_error');
      expect(failed, cut.kind).toMatchObject({ streamed: true, tokens_seen: 2, aborted: false, provider: 'claude' });
    }
    // Neither cut answer was stored: the same request goes upstream again, and no fallback was tried midway.
    const again = await (await stream('Cut me off').reader).rest();
    expect(kinds(again).at(-1)).toBe('done');
    expect(anthropic.requests).toHaveLength(3);
    expect(openai.requests).toHaveLength(0);
  });

  it('falls back before the first byte: start names the fallback, and its answer is served but not cached', async () => {
    anthropic.fail({ status: 500, times: 2 });
    const { id, reader } = stream('Fall back');
    const events = await (await reader).rest();
    expect(events[0]).toMatchObject({ event: 'start', json: { provider: 'gpt', model: 'gpt-4o-mini' } });
    expect(text(events)).toBe('echo: Fall back');
    expect(events.at(-1)).toMatchObject({ event: 'done', json: { provider: 'gpt', fallback_used: true, attempts: 2, cached: false } });
    expect(eventsOf(id)).toEqual(['agent.execution.start', 'agent.execution.complete']);

    const again = await stream('Fall back').reader;
    expect(again.response.headers.get('x-cache')).toBe('MISS');
    expect((await again.rest())[0]!.json.provider).toBe('gpt');
    expect(openai.requests).toHaveLength(2);
  });

  it('answers 503 problem+json, not a stream, when every provider fails before any output', async () => {
    anthropic.fail({ status: 500 });
    openai.fail({ status: 503, retryAfter: '7' });
    const { id, reader } = stream('Nobody home');
    const res = (await reader).response;
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('x-request-id')).toBe(id);
    expect(await readJson(res)).toMatchObject({
      type: 'urn:ossa-gateway:problem:provider-unavailable',
      status: 503,
      providers_tried: [expect.objectContaining({ provider: 'claude', status: 500 }), expect.objectContaining({ provider: 'gpt', status: 503 })],
    });
    expect(eventsOf(id)).toEqual(['agent.execution.start', 'agent.execution.error']);
  });

  it('replays a cached answer as a stream of several deltas at once, without calling the upstream', async () => {
    anthropic.script({ kind: 'reply', text: ANSWER });
    const first = await (await stream('Where is parcel 7?').reader).rest();
    expect(text(first)).toBe(ANSWER);

    const { id, reader: pending } = stream('Where is parcel 7?');
    const reader = await pending;
    expect(reader.response.headers.get('x-cache')).toBe('HIT');
    const replay = await reader.rest();
    expect(replay[0]).toMatchObject({ event: 'start', json: { request_id: id, provider: 'claude', model: 'claude-sonnet-4-5' } });
    const deltas = replay.filter((e) => e.event === 'delta');
    expect(deltas.length).toBeGreaterThanOrEqual(4);
    expect(text(replay)).toBe(ANSWER);
    expect(replay.at(-1)).toMatchObject({ event: 'done', json: { request_id: id, cached: true, attempts: 0, usage: first.at(-1)!.json.usage } });
    expect(anthropic.requests).toHaveLength(1);
    expect(eventsOf(id)).toEqual(['agent.execution.start', 'agent.execution.complete']);

    // A streamed answer is stored as a response: the JSON route hits it too, and the reverse.
    const json = await t.post('/v1/agents/support/execute', { input: 'Where is parcel 7?' });
    expect(json.headers.get('x-cache')).toBe('HIT');
    expect(await readJson(json)).toMatchObject({ output: ANSWER, cached: true });
    await t.post('/v1/agents/support/execute', { input: 'Asked as JSON first' });
    const streamedHit = await stream('Asked as JSON first').reader;
    expect(streamedHit.response.headers.get('x-cache')).toBe('HIT');
    expect(text(await streamedHit.rest())).toBe('echo: Asked as JSON first');
    expect(anthropic.requests).toHaveLength(2);
  });

  it('says BYPASS and streams from the upstream for "cache": "bypass"', async () => {
    await (await stream('Fresh please').reader).rest();
    const bypass = await stream('Fresh please', { body: { cache: 'bypass' } }).reader;
    expect(bypass.response.headers.get('x-cache')).toBe('BYPASS');
    expect((await bypass.rest()).at(-1)!.json.cached).toBe(false);
    expect(anthropic.requests).toHaveLength(2);
  });

  it('stops the upstream stream when the client disconnects; the audit log and the events record an abort; nothing is cached', async () => {
    anthropic.script({ kind: 'reply', text: 'one two three four', pauseAfterDeltas: 1 });
    const controller = new AbortController();
    const { id, reader: pending } = stream('Hang up on me', { signal: controller.signal });
    const reader = await pending;
    expect((await reader.next())!.event).toBe('start');
    expect((await reader.next())!.event).toBe('delta');
    controller.abort();

    await anthropic.until(() => anthropic.requests[0]!.aborted);
    await waitFor(() => eventsOf(id).length === 2);
    expect(eventsOf(id)).toEqual(['agent.execution.start', 'agent.execution.error']);
    const error = executionEvents.find((e) => e.type === 'agent.execution.error' && e.requestId === id);
    expect(error).toMatchObject({ error: { name: 'ProviderError', kind: 'aborted' } });
    const aborted = await waitFor(async () => (await auditRecords()).find((r) => r.request_id === id && r.event === 'llm_error'));
    expect(aborted).toMatchObject({ streamed: true, aborted: true, tokens_seen: 1, error_class: 'ProviderError:aborted' });

    const again = await stream('Hang up on me').reader;
    expect(again.response.headers.get('x-cache')).toBe('MISS');
    await again.rest();
    expect(anthropic.requests).toHaveLength(2);
    // A client hanging up is normal: nothing is logged as an error.
    expect(t.logs.lines.filter((l) => l['level'] === 'error' || l['level'] === 'fatal')).toEqual([]);
  });

  it('answers 429 before the stream opens, with the rate-limit headers, and calls no upstream', async () => {
    const first = await stream('one', { agent: 'limited' }).reader;
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('ratelimit-limit')).toBe('1');
    expect(first.response.headers.get('ratelimit-remaining')).toBe('0');
    await first.rest();
    const second = (await stream('two', { agent: 'limited' }).reader).response;
    expect(second.status).toBe(429);
    expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(second.headers.get('retry-after')).toBe('60');
    expect(await readJson(second)).toMatchObject({ type: 'urn:ossa-gateway:problem:rate-limited', limit: 'agent' });
    expect(anthropic.requests).toHaveLength(1);
  });

  it('answers the usual problem+json statuses before a stream opens: 404 unknown agent, 400 invalid body', async () => {
    const unknown = (await stream('x', { agent: 'suport' }).reader).response;
    expect(unknown.status).toBe(404);
    expect(await readJson(unknown)).toMatchObject({ type: 'urn:ossa-gateway:problem:agent-not-found', detail: 'no agent named "suport"; did you mean "support"?' });
    const invalid = (await stream('x', { body: { stream: 'yes' } }).reader).response;
    expect(invalid.status).toBe(400);
    expect(await readJson(invalid)).toMatchObject({ detail: 'body.stream must be a boolean' });
  });

  it('observes time to first token once per stream (live and replayed), labelled by agent and provider', async () => {
    const ttft = async () => sampleValue(await scrape(), 'ossa_time_to_first_token_seconds_count', { agent: 'support', provider: 'claude' }) ?? 0;
    const before = await ttft();
    await (await stream('Time me').reader).rest();
    await (await stream('Time me').reader).rest(); // the cached replay
    anthropic.fail({ status: 500 });
    openai.fail({ status: 500 });
    expect((await stream('No token at all').reader).response.status).toBe(503);
    expect(await ttft()).toBe(before + 2);
    const firstTokens: GatewayEvent[] = [];
    const off = t.gateway.events.on('stream.first_token', (e) => void firstTokens.push(e));
    const { id, reader } = stream('Time me once more');
    await (await reader).rest();
    off();
    expect(firstTokens).toEqual([{ type: 'stream.first_token', requestId: id, agent: 'support', provider: 'claude', ttftMs: expect.any(Number) }]);
  });
});
