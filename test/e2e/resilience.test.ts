import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayEventMap, GatewayEventType } from '../../src/events/gateway-events.js';
import { agentManifest, readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { useMockUpstreams } from '../support/mock-upstreams.js';
import { waitFor } from '../support/wait-for.js';

const ENV = { ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-resilience-000000', OPENAI_API_KEY: 'sk-TESTKEY-resilience-111111' };

describe('provider resilience end to end (mock upstreams failing on command)', () => {
  const { anthropic, openai } = useMockUpstreams();
  let t: TestGateway | undefined;
  let time: number;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** A gateway whose `claude` provider falls back to `gpt`; its clock is `time`, moved by the tests. */
  async function start(options: { claude?: Record<string, unknown>; claudeBreaker?: Record<string, unknown>; gpt?: Record<string, unknown>; gptBreaker?: Record<string, unknown>; agentExtra?: string } = {}) {
    time = Date.now();
    t = await startTestGateway({
      ossa: {
        providers: {
          claude: {
            type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 2, max_retries: 1,
            circuit_breaker: { failure_threshold: 3, reset_timeout: 30, initial_backoff_ms: 0, max_retry_after_ms: 2_000, fallback_providers: ['gpt'], ...options.claudeBreaker },
            ...options.claude,
          },
          gpt: {
            type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o-mini', timeout: 2, max_retries: 0,
            circuit_breaker: { failure_threshold: 3, reset_timeout: 30, initial_backoff_ms: 0, ...options.gptBreaker },
            ...options.gpt,
          },
        },
        rate_limit: { enabled: false },
        cache: { enabled: false },
        security: { audit_logging: false },
      },
      agents: { support: agentManifest('support', { provider: 'claude', model: 'claude-sonnet-4-5' }, options.agentExtra ?? '') },
      env: ENV,
      now: () => time,
    });
    return t;
  }

  function record<T extends GatewayEventType>(gateway: TestGateway, type: T): GatewayEventMap[T][] {
    const seen: GatewayEventMap[T][] = [];
    gateway.gateway.events.on(type, (event) => void seen.push(event));
    return seen;
  }

  const ask = (gateway: TestGateway, headers: Record<string, string> = {}) => gateway.post('/v1/agents/support/execute', { input: 'Where is my order?' }, headers);

  it('opens the circuit after failure_threshold failures, then the fallback serves every request without touching the primary', async () => {
    const g = await start();
    const opened = record(g, 'circuit.opened');
    anthropic.mode = { kind: 'error', status: 500 };

    const first = await ask(g);
    expect(first.status).toBe(200);
    expect(await readJson(first)).toMatchObject({ provider: 'gpt', model: 'gpt-4o-mini', fallback_used: true, attempts: 3 });
    expect(anthropic.requests).toHaveLength(2); // the attempt and its one retry

    const second = await readJson(await ask(g));
    expect(second).toMatchObject({ provider: 'gpt', fallback_used: true, attempts: 2 });
    expect(anthropic.requests).toHaveLength(3); // the third consecutive failure opened the circuit
    expect(opened).toEqual([expect.objectContaining({ provider: 'claude', from: 'closed', to: 'open', failures: 3, halfOpenAt: time + 30_000 })]);

    for (let i = 0; i < 5; i++) {
      const res = await ask(g);
      expect(res.status).toBe(200);
      expect(await readJson(res)).toMatchObject({ provider: 'gpt', fallback_used: true, attempts: 1 });
    }
    expect(anthropic.requests).toHaveLength(3);
    expect(openai.requests).toHaveLength(7);

    const providers = await readJson(await g.get('/v1/providers'));
    expect(providers.providers.find((p: { name: string }) => p.name === 'claude')).toMatchObject({
      type: 'anthropic',
      enabled: true,
      key_origin: 'env:ANTHROPIC_API_KEY',
      circuit: { state: 'open', consecutive_failures: 3, retry_after_ms: 30_000, half_open_at: new Date(time + 30_000).toISOString() },
    });
    const ready = await readJson(await g.get('/readyz'));
    expect(ready.checks).toContainEqual(expect.objectContaining({ name: 'circuit:claude', status: 'degraded', detail: 'circuit open; trial request in 30 s' }));
    expect(g.logs.find((l) => l['circuit_to'] === 'open')).toMatchObject({ level: 'warn', provider: 'claude' });
  });

  it('half-opens after reset_timeout: one trial goes to the primary while the others fall back, and its success closes the circuit', async () => {
    const g = await start({ claude: { max_retries: 0 }, claudeBreaker: { failure_threshold: 1 } });
    const changes = [record(g, 'circuit.half_opened'), record(g, 'circuit.closed')];
    anthropic.fail({ status: 503 });
    expect(await readJson(await ask(g))).toMatchObject({ provider: 'gpt' });

    time += 30_000;
    anthropic.script({ kind: 'reply', delayMs: 300 });
    const trial = ask(g);
    await anthropic.until(() => anthropic.requests.length === 2);
    const meanwhile = await readJson(await ask(g));
    expect(meanwhile).toMatchObject({ provider: 'gpt', fallback_used: true });
    expect(anthropic.requests).toHaveLength(2);
    expect(await readJson(await trial)).toMatchObject({ provider: 'claude', fallback_used: false, attempts: 1 });

    expect(await readJson(await ask(g))).toMatchObject({ provider: 'claude', fallback_used: false });
    expect(changes.map((events) => events.length)).toEqual([1, 1]);
    expect(g.logs.messages()).toContain('circuit of provider claude closed: the trial call succeeded');
    expect((await readJson(await g.get('/v1/providers'))).providers[0].circuit.state).toBe('closed');
  });

  it('opens again for another reset_timeout when the trial fails', async () => {
    const g = await start({ claude: { max_retries: 0 }, claudeBreaker: { failure_threshold: 1 } });
    anthropic.mode = { kind: 'error', status: 500 };
    await ask(g);
    time += 30_000;
    expect(await readJson(await ask(g))).toMatchObject({ provider: 'gpt', attempts: 2 });
    expect(anthropic.requests).toHaveLength(2);
    const circuit = (await readJson(await g.get('/v1/providers'))).providers[0].circuit;
    expect(circuit).toMatchObject({ state: 'open', half_open_at: new Date(time + 30_000).toISOString() });
  });

  it('waits what a 429 Retry-After asks and retries the same provider', async () => {
    const g = await start();
    const retries = record(g, 'provider.retry');
    anthropic.fail({ status: 429, retryAfterMs: 50 });
    expect(await readJson(await ask(g))).toMatchObject({ provider: 'claude', fallback_used: false, attempts: 2 });
    expect(retries).toEqual([expect.objectContaining({ provider: 'claude', attempt: 1, delayMs: 50 })]);
    expect(openai.requests).toHaveLength(0);
  });

  it('fails over at once when Retry-After is longer than max_retry_after_ms', async () => {
    const g = await start();
    const fallbacks = record(g, 'provider.fallback');
    anthropic.fail({ status: 429, retryAfter: '60' });
    expect(await readJson(await ask(g))).toMatchObject({ provider: 'gpt', fallback_used: true, attempts: 2 });
    expect(anthropic.requests).toHaveLength(1);
    expect(fallbacks).toEqual([expect.objectContaining({ agent: 'support', from: 'claude', to: 'gpt', reason: 'retry_after_too_long' })]);
  });

  it('retries a timeout and a connection reset, then fails over', async () => {
    const g = await start({ claude: { timeout: 0.2, max_retries: 1 } });
    const attempts = record(g, 'provider.attempt');
    anthropic.script({ kind: 'hang' }, { kind: 'reset' });
    expect(await readJson(await ask(g))).toMatchObject({ provider: 'gpt', attempts: 3 });
    expect(attempts.map((a) => `${a.provider}#${a.attempt}:${a.errorKind ?? a.outcome}`)).toEqual(['claude#1:timeout', 'claude#2:network', 'gpt#3:success']);
  });

  it('neither retries nor counts a non-retryable error: the circuit stays closed', async () => {
    const g = await start({ claudeBreaker: { failure_threshold: 2 } });
    anthropic.mode = { kind: 'error', status: 400 };
    for (let i = 0; i < 4; i++) expect(await readJson(await ask(g))).toMatchObject({ provider: 'gpt', attempts: 2 });
    expect(anthropic.requests).toHaveLength(4);
    expect((await readJson(await g.get('/v1/providers'))).providers[0].circuit).toMatchObject({ state: 'closed', consecutive_failures: 0 });
  });

  it('answers 503 when every provider fails, naming each and why, with Retry-After when the first circuit half-opens', async () => {
    const g = await start({ claude: { max_retries: 0 }, claudeBreaker: { failure_threshold: 1 }, gptBreaker: { failure_threshold: 1, reset_timeout: 45 } });
    anthropic.mode = { kind: 'error', status: 500 };
    openai.mode = { kind: 'error', status: 503 };

    const res = await ask(g, { 'x-request-id': 'all-down-1' });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('retry-after')).toBe('30');
    const problem = await readJson(res);
    expect(problem).toMatchObject({ type: 'urn:ossa-gateway:problem:provider-unavailable', status: 503, provider: 'claude', attempts: 2, request_id: 'all-down-1' });
    expect(problem.providers_tried).toEqual([
      { provider: 'claude', model: 'claude-sonnet-4-5', reason: 'circuit_open', detail: 'claude answered 500 Internal Server Error (api_error)', status: 500, attempts: 1, retry_after_ms: 30_000 },
      { provider: 'gpt', model: 'gpt-4o-mini', reason: 'circuit_open', detail: 'gpt answered 503 Service Unavailable (server_error)', status: 503, attempts: 1, retry_after_ms: 45_000 },
    ]);
    expect(problem.detail).toMatch(/^every provider failed: claude answered 500.*; gpt answered 503/);
    expect(g.logs.find((l) => l['request_id'] === 'all-down-1' && String(l['msg']).startsWith('agent execution failed'))).toMatchObject({ level: 'warn' });

    time += 10_000;
    const later = await ask(g);
    expect(later.status).toBe(503);
    expect(later.headers.get('retry-after')).toBe('20');
    expect((await readJson(later)).providers_tried.map((p: { reason: string; attempts: number }) => `${p.reason}/${p.attempts}`)).toEqual(['circuit_open/0', 'circuit_open/0']);
    expect(anthropic.requests).toHaveLength(1);
    expect(openai.requests).toHaveLength(1);
  });

  it('keeps disabled providers in the chain: they are skipped, and named in the 503 when nothing else is left', async () => {
    const g = await start({ gpt: { api_key: '${MISSING_OPENAI_KEY}' } });
    anthropic.mode = { kind: 'error', status: 401 };
    const res = await ask(g);
    expect(res.status).toBe(503);
    const problem = await readJson(res);
    expect(problem.providers_tried).toEqual([
      expect.objectContaining({ provider: 'claude', reason: 'not_retryable', status: 401, attempts: 1 }),
      { provider: 'gpt', model: 'gpt-4o-mini', reason: 'disabled', detail: 'gpt is disabled (no API key: MISSING_OPENAI_KEY is not set)', attempts: 0 },
    ]);
  });

  it('never sleeps for a retry past the agent\'s deadline: it fails over instead', async () => {
    const g = await start({ agentExtra: '  constraints:\n    performance:\n      timeoutSeconds: 1\n' });
    const fallbacks = record(g, 'provider.fallback');
    anthropic.fail({ status: 503, retryAfterMs: 1_500 });
    expect(await readJson(await ask(g))).toMatchObject({ provider: 'gpt', attempts: 2 });
    expect(anthropic.requests).toHaveLength(1);
    expect(fallbacks[0]).toMatchObject({ reason: 'deadline' });
  });

  describe('a client that disconnects', () => {
    it('aborts the upstream call, and no fallback is tried', async () => {
      const g = await start();
      anthropic.mode = { kind: 'hang' };
      const client = new AbortController();
      const pending = fetch(`${g.url}/v1/agents/support/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'gone-1' },
        body: JSON.stringify({ input: 'hi' }),
        signal: client.signal,
      }).catch(() => undefined);
      await anthropic.until(() => anthropic.requests.length === 1);
      client.abort();
      await pending;
      await anthropic.until(() => anthropic.requests[0]!.aborted);
      const failed = await waitFor(() => g.logs.find((l) => l['request_id'] === 'gone-1' && String(l['msg']).startsWith('agent execution failed')));
      expect(failed).toMatchObject({ error_class: 'ProviderError:aborted' });
      expect(openai.requests).toHaveLength(0);
    });

    it('stops a pending retry: no second upstream call, no fallback', async () => {
      const g = await start();
      const retries = record(g, 'provider.retry');
      anthropic.fail({ status: 503, retryAfterMs: 1_500 });
      const client = new AbortController();
      const pending = fetch(`${g.url}/v1/agents/support/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'gone-2' },
        body: JSON.stringify({ input: 'hi' }),
        signal: client.signal,
      }).catch(() => undefined);
      await waitFor(() => retries.length === 1);
      client.abort();
      await pending;
      await waitFor(() => g.logs.find((l) => l['request_id'] === 'gone-2' && String(l['msg']).startsWith('agent execution failed')));
      expect(anthropic.requests).toHaveLength(1);
      expect(openai.requests).toHaveLength(0);
    });
  });
});
