import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentManifest, readJson, startTestGateway, tempDir, type TestGateway } from '../support/gateway-harness.js';
import { circuitEvent } from '../support/gateway-events.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { parsePrometheus, sampleSum, sampleValue } from '../support/prometheus-text.js';

const ANTHROPIC_KEY = 'sk-ant-TESTKEY-metrics-AAAAAAAAAA';
const OPENAI_KEY = 'sk-TESTKEY-metrics-BBBBBBBBBB';
const METRICS_TOKEN = 'metrics-token-TESTKEY-CCCCCCCCCC';

describe('GET /metrics after a scripted scenario (real executions through mock upstreams, plus the events of the layers on other branches)', () => {
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let t: TestGateway;
  const auth = { authorization: `Bearer ${METRICS_TOKEN}` };
  const scrape = async () => {
    const res = await t.get('/metrics', auth);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  beforeAll(async () => {
    anthropic = await startMockAnthropic();
    openai = await startMockOpenAI();
    t = await startTestGateway({
      ossa: {
        providers: {
          claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 2, circuit_breaker: { fallback_providers: ['gpt'] } },
          gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o' },
        },
        observability: { metrics_token: '${METRICS_TOKEN}' },
        rate_limit: { enabled: false },
        cache: { enabled: false },
      },
      agents: {
        support: agentManifest('support', { provider: 'anthropic', model: 'claude-sonnet-4-5' }),
        reviewer: agentManifest('reviewer', { provider: 'openai', model: 'gpt-4o' }),
      },
      env: { ANTHROPIC_API_KEY: ANTHROPIC_KEY, OPENAI_API_KEY: OPENAI_KEY, METRICS_TOKEN },
    });
  });
  afterAll(async () => {
    await t.close();
    await anthropic.close();
    await openai.close();
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
    // Real executions: three answers from claude, one from gpt, one upstream failure, one unknown agent.
    const answers = [];
    for (const input of ['one', 'two words', 'three little words']) answers.push(await readJson(await t.post('/v1/agents/support/execute', { input })));
    answers.push(await readJson(await t.post('/v1/agents/reviewer/execute', { input: 'review this' })));
    anthropic.fail({ status: 500 });
    expect((await t.post('/v1/agents/support/execute', { input: 'fails' })).status).toBe(503);
    expect((await t.post('/v1/agents/nobody/execute', { input: 'x' })).status).toBe(404);

    // The layers on other branches, as they will report: cache hits and misses, a 429,
    // upstream attempts, a retry, a circuit opening, a fallback, an eviction, a store failure.
    const { events } = t.gateway;
    for (const result of ['hit', 'hit', 'hit', 'miss'] as const) events.dispatch({ type: 'cache.lookup', agent: 'support', result });
    events.dispatch({ type: 'cache.eviction', count: 2, reason: 'entries' });
    events.dispatch({ type: 'rate_limit.decision', agent: 'support', allowed: true, remaining: { user: 9, global: 990 } });
    events.dispatch({ type: 'rate_limit.decision', agent: 'support', allowed: false, scope: 'user', remaining: { user: 0, global: 989 }, retryAfterMs: 3000 });
    for (let attempt = 1; attempt <= 5; attempt++) {
      events.dispatch({ type: 'provider.attempt', requestId: 'r-open', agent: 'support', provider: 'claude', model: 'claude-sonnet-4-5', attempt, outcome: 'error', durationMs: 40, errorKind: 'http', status: 503, streamed: false });
    }
    events.dispatch({ type: 'provider.retry', requestId: 'r-open', provider: 'claude', attempt: 1, delayMs: 200, reason: 'http 503' });
    events.dispatch(circuitEvent('claude', 'closed', 'open', { failures: 5 }));
    events.dispatch({ type: 'provider.fallback', requestId: 'r-open', agent: 'support', from: 'claude', to: 'gpt', reason: 'circuit_open' });
    events.dispatch({ type: 'provider.attempt', requestId: 'r-open', agent: 'support', provider: 'gpt', model: 'gpt-4o', attempt: 6, outcome: 'success', durationMs: 300, usage: { inputTokens: 5, outputTokens: 3 }, streamed: false });
    events.dispatch({ type: 'store.error', store: 'rate_limit', backend: 'redis', operation: 'check', error: new Error('Command timed out') });
    events.dispatch({ type: 'audit.fallback', sink: 'file', records: 4, error: new Error('EACCES') });
    events.dispatch({ type: 'security.plaintext_key', provider: 'gpt' });
    events.dispatch({ type: 'security.key_rotated', provider: 'claude', origin: 'file:/run/secrets/anthropic' });
    events.dispatch({ type: 'stream.first_token', requestId: 'r-s', agent: 'support', provider: 'claude', ttftMs: 420 });

    const text = await scrape();
    for (const secret of [ANTHROPIC_KEY, OPENAI_KEY, METRICS_TOKEN, 'TESTKEY']) expect(text).not.toContain(secret);
    const m = parsePrometheus(text);
    const claudeAnswers = answers.slice(0, 3);

    // Execution
    expect(sampleValue(m, 'ossa_agent_executions_total', { agent: 'support', outcome: 'success' })).toBe(3);
    expect(sampleValue(m, 'ossa_agent_executions_total', { agent: 'support', outcome: 'error' })).toBe(1);
    expect(sampleValue(m, 'ossa_agent_executions_total', { agent: 'reviewer', outcome: 'success' })).toBe(1);
    expect(sampleValue(m, 'ossa_agent_execution_duration_seconds_count', { agent: 'support', outcome: 'success' })).toBe(3);
    expect(sampleValue(m, 'ossa_agent_execution_duration_seconds_sum', { agent: 'support', outcome: 'success' })).toBeCloseTo(claudeAnswers.reduce((s, a) => s + a.duration_ms, 0) / 1000, 5);
    expect(sampleValue(m, 'ossa_agent_execution_errors_total', { agent: 'support', provider: 'claude', kind: 'http' })).toBe(1);
    expect(sampleValue(m, 'ossa_llm_tokens_total', { provider: 'claude', model: 'claude-sonnet-4-5', direction: 'input' })).toBe(claudeAnswers.reduce((s, a) => s + a.usage.input_tokens, 0));
    expect(sampleValue(m, 'ossa_llm_tokens_total', { provider: 'claude', model: 'claude-sonnet-4-5', direction: 'output' })).toBe(claudeAnswers.reduce((s, a) => s + a.usage.output_tokens, 0));
    expect(sampleValue(m, 'ossa_llm_tokens_total', { provider: 'gpt', model: 'gpt-4o', direction: 'output' })).toBe(answers[3].usage.output_tokens);

    // HTTP and the gateway's own overhead: every request that reached an upstream (5 of them) is measured.
    expect(sampleValue(m, 'ossa_http_requests_total', { method: 'POST', route: '/v1/agents/:name/execute', status: '200' })).toBe(4);
    expect(sampleValue(m, 'ossa_http_requests_total', { method: 'POST', route: '/v1/agents/:name/execute', status: '503' })).toBe(1);
    expect(sampleValue(m, 'ossa_http_requests_total', { method: 'POST', route: '/v1/agents/:name/execute', status: '404' })).toBe(1);
    expect(sampleValue(m, 'ossa_gateway_overhead_seconds_count')).toBe(5);
    const overheadSum = sampleValue(m, 'ossa_gateway_overhead_seconds_sum')!;
    const requestSum = sampleValue(m, 'ossa_http_request_duration_seconds_sum', { method: 'POST', route: '/v1/agents/:name/execute' })!;
    expect(overheadSum).toBeGreaterThan(0);
    expect(overheadSum).toBeLessThan(requestSum);

    // Rate limiting and cache
    expect(sampleValue(m, 'ossa_rate_limit_rejections_total', { scope: 'user', agent: 'support' })).toBe(1);
    expect(sampleValue(m, 'ossa_rate_limit_remaining', { scope: 'global' })).toBe(989);
    expect(sampleValue(m, 'ossa_rate_limit_user_remaining_count')).toBe(2);
    expect(sampleValue(m, 'ossa_cache_requests_total', { agent: 'support', result: 'hit' })).toBe(3);
    expect(sampleValue(m, 'ossa_cache_requests_total', { agent: 'support', result: 'miss' })).toBe(1);
    expect(sampleValue(m, 'ossa_cache_evictions_total', { reason: 'entries' })).toBe(2);

    // Circuit breaker and providers
    expect(sampleValue(m, 'ossa_circuit_breaker_state', { provider: 'claude' })).toBe(2);
    expect(sampleValue(m, 'ossa_circuit_breaker_state', { provider: 'gpt' })).toBe(0);
    expect(sampleValue(m, 'ossa_circuit_breaker_failures_total', { provider: 'claude' })).toBe(5);
    expect(sampleValue(m, 'ossa_circuit_breaker_fallback_calls_total', { from: 'claude', to: 'gpt', reason: 'circuit_open' })).toBe(1);
    expect(sampleValue(m, 'ossa_provider_retries_total', { provider: 'claude' })).toBe(1);
    expect(sampleValue(m, 'ossa_security_api_calls_total', { provider: 'claude' })).toBe(5);
    expect(sampleValue(m, 'ossa_security_api_calls_total', { provider: 'gpt' })).toBe(1);
    expect(sampleValue(m, 'ossa_provider_attempt_duration_seconds_count', { provider: 'claude', outcome: 'error' })).toBe(5);

    // Stores, audit, security, streaming, process
    expect(sampleValue(m, 'ossa_store_errors_total', { store: 'rate_limit', backend: 'redis', operation: 'check' })).toBe(1);
    expect(sampleValue(m, 'ossa_audit_fallback_records_total', { sink: 'file' })).toBe(4);
    expect(sampleValue(m, 'ossa_security_plaintext_keys_detected')).toBe(1);
    expect(sampleValue(m, 'ossa_security_key_rotations_total', { provider: 'claude' })).toBe(1);
    expect(sampleValue(m, 'ossa_time_to_first_token_seconds_count', { agent: 'support', provider: 'claude' })).toBe(1);
    expect(sampleSum(m, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts its own scrapes like any route', async () => {
    const before = sampleValue(parsePrometheus(await scrape()), 'ossa_http_requests_total', { method: 'GET', route: '/metrics', status: '200' }) ?? 0;
    const after = sampleValue(parsePrometheus(await scrape()), 'ossa_http_requests_total', { method: 'GET', route: '/metrics', status: '200' });
    expect(after).toBe(before + 1);
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
