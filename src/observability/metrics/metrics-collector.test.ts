import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { circuitEvent, executionComplete, executionError } from '../../../test/support/gateway-events.js';
import { parsePrometheus, sampleSum, sampleValue, type PromSample } from '../../../test/support/prometheus-text.js';
import { EventDispatcher } from '../../events/event-dispatcher.js';
import { ProviderError } from '../../providers/provider-error.js';
import { LabelGuard } from '../label-guard.js';
import { MetricsCollector, type BreakerReading } from './metrics-collector.js';

/** Breakers that have counted the given failures. */
function breakers(failures: Record<string, number>): ReadonlyMap<string, BreakerReading> {
  return new Map(Object.entries(failures).map(([name, countedFailures]) => [name, { countedFailures }]));
}

describe('MetricsCollector (every event type to Prometheus metrics)', () => {
  let events: EventDispatcher;
  let collector: MetricsCollector;
  const scrape = async (): Promise<PromSample[]> => parsePrometheus((await collector.scrape()).body);

  beforeEach(() => {
    events = new EventDispatcher(pino({ level: 'silent' }));
    collector = new MetricsCollector({ guard: new LabelGuard(['support', 'reviewer'], ['claude', 'gpt', 'echo']) });
    collector.subscribe(events);
  });

  it('counts the tool calls answers asked for by provider, not those of cached answers, with no name or argument in a label', async () => {
    events.dispatch(executionComplete({ agent: 'support', provider: 'claude', toolCalls: 2 }));
    events.dispatch(executionComplete({ agent: 'reviewer', provider: 'gpt', toolCalls: 1 }));
    events.dispatch(executionComplete({ agent: 'support', provider: 'claude', toolCalls: 3, cached: true }));
    events.dispatch(executionComplete({ agent: 'support', provider: 'claude' }));
    const text = (await collector.scrape()).body;
    const m = parsePrometheus(text);
    expect(sampleValue(m, 'ossa_llm_tool_calls_total', { provider: 'claude' })).toBe(2);
    expect(sampleValue(m, 'ossa_llm_tool_calls_total', { provider: 'gpt' })).toBe(1);
    expect(text).not.toMatch(/tool_0|secret/);
  });

  it('counts executions and their duration by agent and outcome, and tokens by provider, model and direction', async () => {
    events.dispatch(executionComplete({ agent: 'support', provider: 'claude', model: 'claude-sonnet-4-5', durationMs: 1200, inputTokens: 100, outputTokens: 20 }));
    events.dispatch(executionComplete({ agent: 'support', provider: 'claude', model: 'claude-sonnet-4-5', durationMs: 300, inputTokens: 50, outputTokens: 5 }));
    events.dispatch(executionComplete({ agent: 'support', provider: 'claude', model: 'claude-sonnet-4-5', durationMs: 1, inputTokens: 999, outputTokens: 999, cached: true }));
    events.dispatch(executionError({ agent: 'reviewer', durationMs: 2000, error: new ProviderError('gpt: upstream answered 500', { provider: 'gpt', kind: 'http', status: 500, retryable: true }) }));
    events.dispatch(executionError({ agent: 'reviewer', error: new ProviderError('gpt: aborted', { provider: 'gpt', kind: 'aborted', retryable: false }) }));
    events.dispatch(executionError({ agent: 'reviewer', error: new TypeError('boom') }));
    const m = await scrape();
    expect(sampleValue(m, 'ossa_agent_executions_total', { agent: 'support', outcome: 'success' })).toBe(3);
    expect(sampleValue(m, 'ossa_agent_executions_total', { agent: 'reviewer', outcome: 'error' })).toBe(2);
    expect(sampleValue(m, 'ossa_agent_executions_total', { agent: 'reviewer', outcome: 'aborted' })).toBe(1);
    expect(sampleValue(m, 'ossa_agent_execution_duration_seconds_sum', { agent: 'support', outcome: 'success' })).toBeCloseTo(1.501, 6);
    expect(sampleValue(m, 'ossa_agent_execution_duration_seconds_bucket', { agent: 'support', outcome: 'success', le: '0.5' })).toBe(2);
    expect(sampleValue(m, 'ossa_agent_execution_duration_seconds_bucket', { agent: 'reviewer', outcome: 'error', le: '2.5' })).toBe(2);
    // The cached answer cost no tokens.
    expect(sampleValue(m, 'ossa_llm_tokens_total', { provider: 'claude', model: 'claude-sonnet-4-5', direction: 'input' })).toBe(150);
    expect(sampleValue(m, 'ossa_llm_tokens_total', { provider: 'claude', model: 'claude-sonnet-4-5', direction: 'output' })).toBe(25);
    expect(sampleValue(m, 'ossa_agent_execution_errors_total', { agent: 'reviewer', provider: 'gpt', kind: 'http' })).toBe(1);
    expect(sampleValue(m, 'ossa_agent_execution_errors_total', { agent: 'reviewer', provider: 'none', kind: 'internal' })).toBe(1);
  });

  it('counts upstream attempts: API calls, attempt duration by outcome, retries', async () => {
    const attempt = (outcome: 'success' | 'error' | 'aborted', durationMs: number) =>
      events.dispatch({ type: 'provider.attempt', requestId: 'r', agent: 'support', provider: 'claude', model: 'm', attempt: 1, outcome, durationMs, streamed: false });
    attempt('error', 50);
    attempt('error', 70);
    attempt('success', 900);
    attempt('aborted', 10);
    events.dispatch({ type: 'provider.retry', requestId: 'r', provider: 'claude', attempt: 1, delayMs: 200, reason: 'http 500' });
    events.dispatch({ type: 'provider.retry', requestId: 'r', provider: 'claude', attempt: 2, delayMs: 400, reason: 'http 500' });
    const m = await scrape();
    expect(sampleValue(m, 'ossa_security_api_calls_total', { provider: 'claude' })).toBe(4);
    expect(sampleValue(m, 'ossa_provider_attempt_duration_seconds_count', { provider: 'claude', outcome: 'error' })).toBe(2);
    expect(sampleValue(m, 'ossa_provider_attempt_duration_seconds_sum', { provider: 'claude', outcome: 'success' })).toBeCloseTo(0.9, 6);
    expect(sampleValue(m, 'ossa_provider_retries_total', { provider: 'claude' })).toBe(2);
  });

  it('shows each circuit state as 0 closed, 1 half-open, 2 open, and counts transitions and fallbacks', async () => {
    collector.initBreakers(breakers({ claude: 0, gpt: 0 }));
    events.dispatch(circuitEvent('claude', 'closed', 'open'));
    let m = await scrape();
    expect(sampleValue(m, 'ossa_circuit_breaker_state', { provider: 'claude' })).toBe(2);
    expect(sampleValue(m, 'ossa_circuit_breaker_state', { provider: 'gpt' })).toBe(0);
    events.dispatch(circuitEvent('claude', 'open', 'half-open'));
    expect(sampleValue(await scrape(), 'ossa_circuit_breaker_state', { provider: 'claude' })).toBe(1);
    events.dispatch(circuitEvent('claude', 'half-open', 'closed'));
    events.dispatch({ type: 'provider.fallback', requestId: 'r', agent: 'support', from: 'claude', to: 'gpt', reason: 'circuit_open' });
    events.dispatch({ type: 'provider.fallback', requestId: 'r2', agent: 'support', from: 'claude', to: 'gpt', reason: 'circuit_open' });
    m = await scrape();
    expect(sampleValue(m, 'ossa_circuit_breaker_state', { provider: 'claude' })).toBe(0);
    expect(sampleValue(m, 'ossa_circuit_breaker_transitions_total', { provider: 'claude', state: 'open' })).toBe(1);
    expect(sampleValue(m, 'ossa_circuit_breaker_transitions_total', { provider: 'claude', state: 'closed' })).toBe(1);
    expect(sampleValue(m, 'ossa_circuit_breaker_fallback_calls_total', { from: 'claude', to: 'gpt', reason: 'circuit_open' })).toBe(2);
  });

  it('does not reset a circuit an event already reported when the breakers are initialised late', async () => {
    events.dispatch(circuitEvent('claude', 'closed', 'open'));
    collector.initBreakers(breakers({ claude: 5 }));
    expect(sampleValue(await scrape(), 'ossa_circuit_breaker_state', { provider: 'claude' })).toBe(2);
  });

  it('reads the failures each breaker counted at scrape time, not every failed attempt', async () => {
    const counted = { claude: 0, gpt: 0 };
    collector.initBreakers(new Map(Object.entries(counted).map(([name]) => [name, { get countedFailures() { return counted[name as keyof typeof counted]; } }])));
    // A 400 is a failed attempt, but says nothing about the upstream's health: no breaker counts it.
    events.dispatch({ type: 'provider.attempt', requestId: 'r', agent: 'support', provider: 'claude', model: 'm', attempt: 1, outcome: 'error', durationMs: 5, errorKind: 'http', status: 400, streamed: false });
    let m = await scrape();
    expect(sampleValue(m, 'ossa_circuit_breaker_failures_total', { provider: 'claude' })).toBe(0);
    expect(sampleValue(m, 'ossa_circuit_breaker_failures_total', { provider: 'gpt' })).toBe(0);
    counted.claude = 3;
    m = await scrape();
    expect(sampleValue(m, 'ossa_circuit_breaker_failures_total', { provider: 'claude' })).toBe(3);
    counted.claude = 4;
    expect(sampleValue(await scrape(), 'ossa_circuit_breaker_failures_total', { provider: 'claude' })).toBe(4);
  });

  it('counts rate-limit rejections by scope and agent, remaining tokens of the global and agent buckets, user headroom as a histogram', async () => {
    events.dispatch({ type: 'rate_limit.decision', agent: 'support', allowed: true, remaining: { user: 4, global: 99, agent: 9 } });
    events.dispatch({ type: 'rate_limit.decision', agent: 'support', allowed: false, scope: 'user', remaining: { user: 0, global: 99, agent: 9 }, retryAfterMs: 1000 });
    events.dispatch({ type: 'rate_limit.decision', agent: 'support', allowed: false, scope: 'global', remaining: { global: 0 } });
    const m = await scrape();
    expect(sampleValue(m, 'ossa_rate_limit_rejections_total', { scope: 'user', agent: 'support' })).toBe(1);
    expect(sampleValue(m, 'ossa_rate_limit_rejections_total', { scope: 'global', agent: 'support' })).toBe(1);
    expect(sampleValue(m, 'ossa_rate_limit_remaining', { scope: 'global' })).toBe(0);
    expect(sampleValue(m, 'ossa_rate_limit_remaining', { scope: 'agent', agent: 'support' })).toBe(9);
    expect(sampleValue(m, 'ossa_rate_limit_user_remaining_count')).toBe(2);
    expect(sampleValue(m, 'ossa_rate_limit_user_remaining_bucket', { le: '0' })).toBe(1);
    expect(sampleValue(m, 'ossa_rate_limit_user_remaining_bucket', { le: '5' })).toBe(2);
  });

  it('counts cache lookups by agent and result, and evictions by reason', async () => {
    for (const result of ['hit', 'hit', 'miss', 'bypass'] as const) events.dispatch({ type: 'cache.lookup', agent: 'support', result });
    events.dispatch({ type: 'cache.eviction', count: 3, reason: 'bytes' });
    events.dispatch({ type: 'cache.eviction', count: 2, reason: 'bytes' });
    const m = await scrape();
    expect(sampleValue(m, 'ossa_cache_requests_total', { agent: 'support', result: 'hit' })).toBe(2);
    expect(sampleValue(m, 'ossa_cache_requests_total', { agent: 'support', result: 'miss' })).toBe(1);
    expect(sampleValue(m, 'ossa_cache_requests_total', { agent: 'support', result: 'bypass' })).toBe(1);
    expect(sampleValue(m, 'ossa_cache_evictions_total', { reason: 'bytes' })).toBe(5);
  });

  it('counts store failures, audit sink fallbacks and their records, key rotations and plaintext keys', async () => {
    events.dispatch({ type: 'store.error', store: 'cache', backend: 'redis', operation: 'get', error: new Error('timeout') });
    events.dispatch({ type: 'audit.fallback', sink: 'file', records: 7, error: new Error('ENOSPC') });
    events.dispatch({ type: 'audit.fallback', sink: 'file', records: 2, error: new Error('ENOSPC') });
    events.dispatch({ type: 'security.key_rotated', provider: 'claude', origin: 'vault:ANTHROPIC' });
    // Reported twice for the same provider: still one key in the config.
    events.dispatch({ type: 'security.plaintext_key', provider: 'claude' });
    events.dispatch({ type: 'security.plaintext_key', provider: 'claude' });
    events.dispatch({ type: 'security.plaintext_key', provider: 'gpt' });
    const m = await scrape();
    expect(sampleValue(m, 'ossa_store_errors_total', { store: 'cache', backend: 'redis', operation: 'get' })).toBe(1);
    expect(sampleValue(m, 'ossa_audit_sink_failures_total', { sink: 'file' })).toBe(2);
    expect(sampleValue(m, 'ossa_audit_fallback_records_total', { sink: 'file' })).toBe(9);
    expect(sampleValue(m, 'ossa_security_key_rotations_total', { provider: 'claude' })).toBe(1);
    expect(sampleValue(m, 'ossa_security_plaintext_keys_detected')).toBe(2);
  });

  it('observes time to first token per agent and provider', async () => {
    events.dispatch({ type: 'stream.first_token', requestId: 'r', agent: 'support', provider: 'claude', ttftMs: 250 });
    events.dispatch({ type: 'stream.first_token', requestId: 'r', agent: 'support', provider: 'claude', ttftMs: 1800 });
    const m = await scrape();
    expect(sampleValue(m, 'ossa_time_to_first_token_seconds_count', { agent: 'support', provider: 'claude' })).toBe(2);
    expect(sampleValue(m, 'ossa_time_to_first_token_seconds_bucket', { agent: 'support', provider: 'claude', le: '0.3' })).toBe(1);
    expect(sampleValue(m, 'ossa_time_to_first_token_seconds_sum', { agent: 'support', provider: 'claude' })).toBeCloseTo(2.05, 6);
  });

  it('counts HTTP requests by route and status, and the gateway overhead of those that called upstream', async () => {
    const base = { type: 'http.request', requestId: 'r', method: 'POST', route: '/v1/agents/:name/execute', traffic: true, upstreamCalls: 0, upstreamMs: 0, waitedMs: 0 } as const;
    events.dispatch({ ...base, status: 200, durationMs: 1003, upstreamCalls: 1, upstreamMs: 1000 });
    events.dispatch({ ...base, status: 200, durationMs: 2304, upstreamCalls: 2, upstreamMs: 2000, waitedMs: 300 });
    events.dispatch({ ...base, status: 429, durationMs: 0.4 });
    const m = await scrape();
    expect(sampleValue(m, 'ossa_http_requests_total', { method: 'POST', route: '/v1/agents/:name/execute', status: '200' })).toBe(2);
    expect(sampleValue(m, 'ossa_http_requests_total', { method: 'POST', route: '/v1/agents/:name/execute', status: '429' })).toBe(1);
    expect(sampleValue(m, 'ossa_http_request_duration_seconds_count', { method: 'POST', route: '/v1/agents/:name/execute' })).toBe(3);
    // 3 ms + 4 ms outside the upstream (and its backoff); the 429 never called one.
    expect(sampleValue(m, 'ossa_gateway_overhead_seconds_count')).toBe(2);
    expect(sampleValue(m, 'ossa_gateway_overhead_seconds_sum')).toBeCloseTo(0.007, 9);
    expect(sampleValue(m, 'ossa_gateway_overhead_seconds_bucket', { le: '0.002' })).toBe(0);
    expect(sampleValue(m, 'ossa_gateway_overhead_seconds_bucket', { le: '0.005' })).toBe(2);
  });

  it('never lets a name from a request become a label: unknown agents and providers are (other), models are capped per provider', async () => {
    for (let i = 0; i < 50; i++) events.dispatch({ type: 'rate_limit.decision', agent: `random-${i}`, allowed: false, scope: 'user', remaining: {} });
    for (let i = 0; i < 40; i++) events.dispatch(executionComplete({ agent: 'support', provider: 'claude', model: `model-${i}` }));
    events.dispatch({ type: 'provider.retry', requestId: 'r', provider: 'not-configured', attempt: 1, delayMs: 1, reason: 'x' });
    const m = await scrape();
    expect(sampleValue(m, 'ossa_rate_limit_rejections_total', { scope: 'user', agent: '(other)' })).toBe(50);
    expect(m.filter((s) => s.name === 'ossa_rate_limit_rejections_total')).toHaveLength(1);
    const models = new Set(m.filter((s) => s.name === 'ossa_llm_tokens_total').map((s) => s.labels['model']));
    expect(models.size).toBe(33); // 32 models and (other)
    expect(sampleSum(m, 'ossa_llm_tokens_total', { direction: 'input' })).toBe(400);
    expect(sampleValue(m, 'ossa_provider_retries_total', { provider: '(other)' })).toBe(1);
  });

  it('counts subscribers that failed, and keeps counting while one keeps failing', async () => {
    events.on('cache.lookup', () => {
      throw new Error('a broken custom handler');
    });
    events.dispatch({ type: 'cache.lookup', agent: 'support', result: 'hit' });
    events.dispatch({ type: 'cache.lookup', agent: 'support', result: 'hit' });
    expect(sampleValue(await scrape(), 'ossa_event_subscriber_failures_total')).toBe(2);
    events.dispatch({ type: 'cache.lookup', agent: 'support', result: 'hit' });
    const m = await scrape();
    expect(sampleValue(m, 'ossa_event_subscriber_failures_total')).toBe(3);
    // The collector itself still counted every lookup.
    expect(sampleValue(m, 'ossa_cache_requests_total', { agent: 'support', result: 'hit' })).toBe(3);
  });

  it('exports build info and the default process metrics, the latter made once per process and shared', async () => {
    const m = await scrape();
    expect(m.find((s) => s.name === 'ossa_build_info')?.labels['version']).toMatch(/^\d+\.\d+\.\d+/);
    expect(sampleValue(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(m.some((s) => s.name === 'nodejs_eventloop_lag_p99_seconds')).toBe(true);
    expect(m.filter((s) => s.name === 'process_resident_memory_bytes')).toHaveLength(1);
    // prom-client's GC observer and event-loop monitor cannot be stopped: a second gateway
    // must not start another pair, and its own registry stays free of them (Registry.merge works).
    const second = new MetricsCollector({ guard: new LabelGuard([], []) });
    expect(second.processRegistry).toBe(collector.processRegistry);
    expect(await second.registry.getSingleMetric('process_resident_memory_bytes')).toBeUndefined();
    expect(parsePrometheus((await second.scrape()).body).some((s) => s.name === 'nodejs_gc_duration_seconds_count' || s.name === 'process_resident_memory_bytes')).toBe(true);
  });

  it('keeps two gateways in one process apart (one registry each)', async () => {
    const other = new MetricsCollector({ guard: new LabelGuard(['support'], ['claude']), processMetrics: false });
    const otherEvents = new EventDispatcher(pino({ level: 'silent' }));
    other.subscribe(otherEvents);
    events.dispatch({ type: 'cache.lookup', agent: 'support', result: 'hit' });
    const theirs = parsePrometheus((await other.scrape()).body);
    expect(sampleValue(theirs, 'ossa_cache_requests_total', { agent: 'support', result: 'hit' })).toBeUndefined();
    expect(sampleValue(await scrape(), 'ossa_cache_requests_total', { agent: 'support', result: 'hit' })).toBe(1);
  });

  it('stops counting once unsubscribed', async () => {
    const fresh = new MetricsCollector({ guard: new LabelGuard(['support'], []), processMetrics: false });
    const off = fresh.subscribe(events);
    off();
    events.dispatch({ type: 'cache.lookup', agent: 'support', result: 'hit' });
    expect(sampleValue(parsePrometheus((await fresh.scrape()).body), 'ossa_cache_requests_total', { agent: 'support', result: 'hit' })).toBeUndefined();
  });
});
