import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { agentManifest, readJson, startTestGateway, tempDir, type TestGateway } from '../support/gateway-harness.js';
import { useMockUpstreams } from '../support/mock-upstreams.js';
import { parsePrometheus, sampleSum, sampleValue } from '../support/prometheus-text.js';
import { freePort } from '../support/throwaway-redis.js';

const ANTHROPIC_KEY = 'sk-ant-TESTKEY-metrics-AAAAAAAAAA';
const ROTATED_KEY = 'sk-ant-TESTKEY-metrics-rotated-DDDD';
const OPENAI_KEY = 'sk-TESTKEY-metrics-plaintext-BBBB';
const METRICS_TOKEN = 'metrics-token-TESTKEY-CCCCCCCCCC';

describe('GET /metrics after a scripted scenario through the real layers (rate limiter, cache, breaker, retries, fallback chain, audit)', () => {
  const { anthropic, openai } = useMockUpstreams();
  let secrets: string;
  let t: TestGateway;
  const auth = { authorization: `Bearer ${METRICS_TOKEN}` };
  const scrape = async (gateway: TestGateway = t) => {
    const res = await gateway.get('/metrics', auth);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  beforeAll(async () => {
    secrets = tempDir({ anthropic_key: `${ANTHROPIC_KEY}\n` }, 'ossa-metrics-secrets-');
    t = await startTestGateway({
      ossa: {
        providers: {
          // A file: key, so that a rotation can be real; one retry and no backoff, so that the
          // counts below are exact; the circuit opens after 3 consecutive retryable failures.
          claude: {
            type: 'anthropic', api_key: `file:${join(secrets, 'anthropic_key')}`, base_url: anthropic.url, timeout: 2, max_retries: 1,
            circuit_breaker: { failure_threshold: 3, reset_timeout: 600, initial_backoff_ms: 0, fallback_providers: ['gpt'] },
          },
          // Written in plain text on purpose: the security.plaintext_key gauge must say 1.
          gpt: { type: 'openai', api_key: OPENAI_KEY, base_url: openai.url, model: 'gpt-4o', max_retries: 0 },
        },
        observability: { metrics_token: '${METRICS_TOKEN}' },
        // Refills of one token per 86 s: no bucket refills while the test runs.
        rate_limit: { enabled: true, user: { limit: 1000, interval: '1 day' }, global: { limit: 1000, interval: '1 day' } },
        cache: { enabled: true, max_entries: 4 },
      },
      agents: {
        support: agentManifest('support', { provider: 'anthropic', model: 'claude-sonnet-4-5' }),
        reviewer: agentManifest('reviewer', { provider: 'openai', model: 'gpt-4o' }),
        limited: agentManifest('limited', { provider: 'echo', model: 'echo' }, '  safety:\n    rate_limiting:\n      requests_per_minute: 1\n      burst_limit: 2\n'),
      },
      env: { METRICS_TOKEN },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('asks for the metrics token, and compares it exactly', async () => {
    const missing = await t.get('/metrics');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await readJson(missing)).detail).toMatch(/metrics token/);
    expect((await t.get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}x` })).status).toBe(401);
    expect((await t.get('/metrics', { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}` })).status).toBe(401);
    expect((await t.get('/metrics', { authorization: METRICS_TOKEN })).status).toBe(401);
    expect((await t.get('/metrics', auth)).status).toBe(200);
  });

  it('measures every monitoring point with the values the scenario produced, and never shows a key', async () => {
    const send = async (agent: string, input: string) => {
      const res = await t.post(`/v1/agents/${agent}/execute`, { input });
      return { status: res.status, cache: res.headers.get('x-cache'), body: await readJson(res) };
    };
    // 1-5: two misses answered by claude, three hits that reach no upstream.
    const one = await send('support', 'one');
    const two = await send('support', 'two words');
    const hits = [await send('support', 'one'), await send('support', 'two words'), await send('support', 'one')];
    expect([one.cache, two.cache, ...hits.map((h) => h.cache)]).toEqual(['MISS', 'MISS', 'HIT', 'HIT', 'HIT']);
    // 6: gpt answers its own agent.
    const review = await send('reviewer', 'review this');
    // 7: a 500, a retry, then claude answers (the breaker counts 1 failure, then a success).
    anthropic.fail({ status: 500 });
    const retried = await send('support', 'retried');
    expect(retried.body).toMatchObject({ provider: 'claude', attempts: 2 });
    // 8: a 400 is not retried and not counted by the breaker; the chain falls back to gpt.
    anthropic.fail({ status: 400 });
    const refused = await send('support', 'refused');
    // 9-10: three consecutive 500s: two in one request (a retry, then retries_exhausted), the
    // third opens the circuit; both requests are served by the fallback.
    anthropic.fail({ status: 500, times: 3 });
    const exhausted = await send('support', 'first failures');
    const opening = await send('support', 'opens the circuit');
    // 11: the circuit is open: no call to claude at all.
    const whileOpen = await send('support', 'while open');
    const fallbacks = [refused, exhausted, opening, whileOpen];
    expect(fallbacks.map((f) => [f.status, f.body.provider, f.body.attempts])).toEqual([[200, 'gpt', 2], [200, 'gpt', 3], [200, 'gpt', 2], [200, 'gpt', 1]]);
    // 12: gpt fails its own agent, which has no fallback: a 503.
    openai.fail({ status: 500 });
    expect((await send('reviewer', 'fails everywhere')).status).toBe(503);
    // 13-15: the agent's own bucket holds 2: the third request is a 429 (scope agent).
    const limited = [await send('limited', 'l1'), await send('limited', 'l2'), await send('limited', 'l3')];
    expect(limited.map((l) => l.status)).toEqual([200, 200, 429]);
    expect(limited[2]!.body).toMatchObject({ limit: 'agent' });
    // 16: an unknown agent: no token taken, no lookup, no upstream.
    expect((await send('nobody', 'x')).status).toBe(404);
    // A real key rotation: the file changes, the gateway re-reads it (SIGHUP in `serve`).
    writeFileSync(join(secrets, 'anthropic_key'), `${ROTATED_KEY}\n`);
    expect(t.gateway.reloadSecrets().rotated).toEqual(['claude']);
    // The streaming endpoint (issue 8) dispatches this one; no route of this build streams yet.
    t.gateway.events.dispatch({ type: 'stream.first_token', requestId: 'r-s', agent: 'support', provider: 'claude', ttftMs: 420 });

    const text = await scrape();
    for (const secret of [ANTHROPIC_KEY, ROTATED_KEY, OPENAI_KEY, METRICS_TOKEN, 'TESTKEY']) expect(text).not.toContain(secret);
    const m = parsePrometheus(text);
    const v = (name: string, labels: Record<string, string> = {}) => sampleValue(m, name, labels);
    const tokens = (answers: { body: { usage: { input_tokens: number; output_tokens: number } } }[], direction: 'input' | 'output') =>
      answers.reduce((sum, a) => sum + a.body.usage[`${direction}_tokens`], 0);
    const byClaude = [one, two, retried];
    const byGpt = [review, ...fallbacks];

    // Upstream calls, as the mocks saw them: 8 to claude (3 answers, 5 failures), 6 to gpt.
    expect(anthropic.requests).toHaveLength(8);
    expect(openai.requests).toHaveLength(6);
    expect(v('ossa_security_api_calls_total', { provider: 'claude' })).toBe(8);
    expect(v('ossa_security_api_calls_total', { provider: 'gpt' })).toBe(6);
    expect(v('ossa_security_api_calls_total', { provider: 'echo' })).toBe(2);
    expect(v('ossa_provider_attempt_duration_seconds_count', { provider: 'claude', outcome: 'success' })).toBe(3);
    expect(v('ossa_provider_attempt_duration_seconds_count', { provider: 'claude', outcome: 'error' })).toBe(5);
    expect(v('ossa_provider_attempt_duration_seconds_count', { provider: 'gpt', outcome: 'error' })).toBe(1);
    expect(v('ossa_provider_retries_total', { provider: 'claude' })).toBe(2);

    // Execution: every answered request counts, hits included; tokens only for real calls.
    expect(v('ossa_agent_executions_total', { agent: 'support', outcome: 'success' })).toBe(10);
    expect(v('ossa_agent_executions_total', { agent: 'reviewer', outcome: 'success' })).toBe(1);
    expect(v('ossa_agent_executions_total', { agent: 'reviewer', outcome: 'error' })).toBe(1);
    expect(v('ossa_agent_executions_total', { agent: 'limited', outcome: 'success' })).toBe(2);
    expect(v('ossa_agent_execution_duration_seconds_count', { agent: 'support', outcome: 'success' })).toBe(10);
    expect(v('ossa_agent_execution_errors_total', { agent: 'reviewer', provider: 'gpt', kind: 'http' })).toBe(1);
    expect(v('ossa_llm_tokens_total', { provider: 'claude', model: 'claude-sonnet-4-5', direction: 'input' })).toBe(tokens(byClaude, 'input'));
    expect(v('ossa_llm_tokens_total', { provider: 'claude', model: 'claude-sonnet-4-5', direction: 'output' })).toBe(tokens(byClaude, 'output'));
    expect(v('ossa_llm_tokens_total', { provider: 'gpt', model: 'gpt-4o', direction: 'input' })).toBe(tokens(byGpt, 'input'));
    expect(v('ossa_llm_tokens_total', { provider: 'gpt', model: 'gpt-4o', direction: 'output' })).toBe(tokens(byGpt, 'output'));

    // Circuit breaker and fallback chain: the breaker counted the four 500s, not the 400.
    expect(v('ossa_circuit_breaker_state', { provider: 'claude' })).toBe(2);
    expect(v('ossa_circuit_breaker_state', { provider: 'gpt' })).toBe(0);
    expect(v('ossa_circuit_breaker_state', { provider: 'echo' })).toBe(0);
    expect(v('ossa_circuit_breaker_transitions_total', { provider: 'claude', state: 'open' })).toBe(1);
    expect(v('ossa_circuit_breaker_failures_total', { provider: 'claude' })).toBe(4);
    expect(v('ossa_circuit_breaker_failures_total', { provider: 'gpt' })).toBe(1);
    expect(v('ossa_circuit_breaker_failures_total', { provider: 'echo' })).toBe(0);
    expect(v('ossa_circuit_breaker_fallback_calls_total', { from: 'claude', to: 'gpt', reason: 'not_retryable' })).toBe(1);
    expect(v('ossa_circuit_breaker_fallback_calls_total', { from: 'claude', to: 'gpt', reason: 'retries_exhausted' })).toBe(1);
    expect(v('ossa_circuit_breaker_fallback_calls_total', { from: 'claude', to: 'gpt', reason: 'circuit_open' })).toBe(2);

    // Rate limiting: 15 decisions (the 404 took none), 14 admitted, one 429 by the agent's bucket.
    expect(v('ossa_rate_limit_rejections_total', { scope: 'agent', agent: 'limited' })).toBe(1);
    expect(sampleSum(m, 'ossa_rate_limit_rejections_total')).toBe(1);
    expect(v('ossa_rate_limit_remaining', { scope: 'global' })).toBe(1000 - 14);
    expect(v('ossa_rate_limit_remaining', { scope: 'agent', agent: 'limited' })).toBe(0);
    expect(v('ossa_rate_limit_user_remaining_count')).toBe(15);

    // Cache: 3 hits, 11 misses (fallback answers are served, not stored); 6 answers stored in 4 slots.
    expect(v('ossa_cache_requests_total', { agent: 'support', result: 'hit' })).toBe(3);
    expect(v('ossa_cache_requests_total', { agent: 'support', result: 'miss' })).toBe(7);
    expect(v('ossa_cache_requests_total', { agent: 'reviewer', result: 'miss' })).toBe(2);
    expect(v('ossa_cache_requests_total', { agent: 'limited', result: 'miss' })).toBe(2);
    expect(v('ossa_cache_evictions_total', { reason: 'entries' })).toBe(2);

    // HTTP and the gateway's own overhead, measured for the 11 requests that called an upstream.
    const execute = { method: 'POST', route: '/v1/agents/:name/execute' };
    expect(v('ossa_http_requests_total', { ...execute, status: '200' })).toBe(13);
    expect(v('ossa_http_requests_total', { ...execute, status: '503' })).toBe(1);
    expect(v('ossa_http_requests_total', { ...execute, status: '429' })).toBe(1);
    expect(v('ossa_http_requests_total', { ...execute, status: '404' })).toBe(1);
    expect(v('ossa_http_request_duration_seconds_count', execute)).toBe(16);
    expect(v('ossa_gateway_overhead_seconds_count')).toBe(11);
    const overheadSum = v('ossa_gateway_overhead_seconds_sum')!;
    expect(overheadSum).toBeGreaterThan(0);
    expect(overheadSum).toBeLessThan(v('ossa_http_request_duration_seconds_sum', execute)!);

    // Security and streaming; no audit sink failed here (see the next test).
    expect(v('ossa_security_plaintext_keys_detected')).toBe(1);
    expect(v('ossa_security_key_rotations_total', { provider: 'claude' })).toBe(1);
    expect(v('ossa_time_to_first_token_seconds_count', { agent: 'support', provider: 'claude' })).toBe(1);
    expect(sampleSum(m, 'ossa_audit_sink_failures_total')).toBe(0);
    expect(sampleSum(m, 'ossa_store_errors_total')).toBe(0);
    expect(v('ossa_event_subscriber_failures_total')).toBe(0);
    expect(sampleSum(m, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    // The status page saw the same requests: hits are traffic, but no provider served them.
    const status = await readJson(await t.get('/status.json'));
    expect(status.traffic).toMatchObject({ requests: 16, errors: 1 });
    expect(status.cache).toEqual({ hits: 3, misses: 11, hit_rate: Math.round((3 / 14) * 10_000) / 10_000 });
    expect(status.rate_limit).toMatchObject({ rejections: 1, by_scope: { user: 0, global: 0, agent: 1 }, global_remaining: 986 });
    const provider = (name: string) => status.providers.find((p: { name: string }) => p.name === name);
    expect(provider('claude')).toMatchObject({ state: 'open', served: 3, upstream_errors: 5, retries: 2, fallbacks: 4 });
    expect(provider('gpt')).toMatchObject({ state: 'closed', served: 5, failed: 1, upstream_errors: 1 });
  });

  it('counts its own scrapes like any route', async () => {
    const before = sampleValue(parsePrometheus(await scrape()), 'ossa_http_requests_total', { method: 'GET', route: '/metrics', status: '200' }) ?? 0;
    const after = sampleValue(parsePrometheus(await scrape()), 'ossa_http_requests_total', { method: 'GET', route: '/metrics', status: '200' });
    expect(after).toBe(before + 1);
  });
});

describe('GET /metrics when a store and the audit sink fail for real', () => {
  it('counts cache store errors against a dead Redis, and audit records sent to the fallback sink', async () => {
    const t = await startTestGateway({
      ossa: {
        redis: { url: `redis://127.0.0.1:${await freePort()}` },
        cache: { storage: 'redis' },
        rate_limit: { enabled: false },
        // A file where the audit directory should be: every write fails, records go to stderr.
        security: { audit: { path: 'blocker/audit.jsonl' } },
      },
      agents: { a: agentManifest('a', { provider: 'echo', model: 'echo' }) },
    });
    // The sink opens its file on the first write, after this.
    writeFileSync(join(t.dir, 'blocker'), 'a file where a directory should be');
    // The fallback sink is the process's stderr: kept here, to check that nothing was lost.
    const stderr: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      stderr.push(String(chunk));
      const done = rest.find((arg) => typeof arg === 'function') as ((error?: Error | null) => void) | undefined;
      done?.();
      return true;
    }) as typeof process.stderr.write);
    try {
      let sinkFailures = 0;
      t.gateway.events.on('audit.fallback', () => void sinkFailures++);
      for (const input of ['x', 'y']) expect((await t.post('/v1/agents/a/execute', { input })).status).toBe(200);
      await t.gateway.audit!.flush();
      write.mockRestore();
      const fallen = stderr.join('').split('\n').filter((line) => line.includes('"audit_fallback":"file"'));
      expect(fallen.map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['llm_request', 'llm_response', 'llm_request', 'llm_response']);
      const m = parsePrometheus(await (await t.get('/metrics')).text());
      expect(sampleValue(m, 'ossa_store_errors_total', { store: 'cache', backend: 'redis', operation: 'get' })).toBe(2);
      expect(sampleValue(m, 'ossa_cache_requests_total', { agent: 'a', result: 'error' })).toBe(2);
      // Two records per request, each on stderr; one failure per batch the sink refused.
      expect(t.gateway.audit!.stats.fallback).toBe(4);
      expect(sampleValue(m, 'ossa_audit_fallback_records_total', { sink: 'file' })).toBe(4);
      expect(sinkFailures).toBeGreaterThanOrEqual(1);
      expect(sampleValue(m, 'ossa_audit_sink_failures_total', { sink: 'file' })).toBe(sinkFailures);
    } finally {
      write.mockRestore();
      await t.close();
    }
  });
});

describe('metrics configuration', () => {
  it('serves no /metrics with observability.metrics: false, and the status page still works', async () => {
    const t = await startTestGateway({ ossa: { observability: { metrics: false } }, agents: { a: agentManifest('a') } });
    try {
      const res = await t.get('/metrics');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(t.gateway.observability.collector).toBeUndefined();
      expect((await t.post('/v1/agents/a/execute', { input: 'x' })).status).toBe(200);
      expect((await readJson(await t.get('/status.json'))).traffic.requests).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('serves /metrics to anyone without a metrics_token', async () => {
    const t = await startTestGateway({ agents: { a: agentManifest('a') } });
    try {
      expect((await t.get('/metrics')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('refuses to start when the metrics_token cannot be resolved, rather than serve /metrics unprotected', async () => {
    const failure = startTestGateway({ ossa: { observability: { metrics_token: '${NOT_SET_TOKEN}' } }, agents: { a: agentManifest('a') } });
    await expect(failure).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'observability.metrics_token', message: 'cannot be resolved: NOT_SET_TOKEN is not set' })],
    });
  });

  it('reads the metrics_token from a secret file', async () => {
    const dir = tempDir({ token: 'file-token-value\n' }, 'ossa-token-');
    const t = await startTestGateway({ ossa: { observability: { metrics_token: `file:${join(dir, 'token')}` } }, agents: { a: agentManifest('a') } });
    try {
      expect((await t.get('/metrics', { authorization: 'Bearer file-token-value' })).status).toBe(200);
      expect((await t.get('/metrics', { authorization: 'Bearer file-token-valu' })).status).toBe(401);
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
