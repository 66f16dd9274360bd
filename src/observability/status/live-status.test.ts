import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { circuitEvent, executionComplete, executionError } from '../../../test/support/gateway-events.js';
import { EventDispatcher } from '../../events/event-dispatcher.js';
import { ProviderError } from '../../providers/provider-error.js';
import type { HttpRequestEvent } from '../../events/gateway-events.js';
import { LabelGuard } from '../label-guard.js';
import { LiveStatus } from './live-status.js';

const PROVIDERS = [
  { name: 'claude', type: 'anthropic' },
  { name: 'gpt', type: 'openai', disabledReason: 'no API key: OPENAI_API_KEY is not set' },
  { name: 'echo', type: 'echo' },
];

function request(status: number, durationMs: number, extra: Partial<HttpRequestEvent> = {}): HttpRequestEvent {
  return {
    type: 'http.request', requestId: 'r', method: 'POST', route: '/v1/agents/:name/execute', status, durationMs, traffic: true,
    upstreamCalls: 0, upstreamMs: 0, waitedMs: 0, ...extra,
  };
}

describe('LiveStatus (the status page data, on a fake clock)', () => {
  let clock: { ms: number };
  let events: EventDispatcher;
  let status: LiveStatus;

  beforeEach(() => {
    clock = { ms: Date.parse('2026-01-01T12:00:00.000Z') };
    events = new EventDispatcher(pino({ level: 'silent' }));
    status = new LiveStatus({ guard: new LabelGuard(['support'], ['claude', 'gpt', 'echo']), service: 'ossa-gateway', env: 'prod', version: '1.2.3', now: () => clock.ms });
    status.subscribe(events);
  });
  const snap = () => status.snapshot(PROVIDERS);

  it('starts empty: no rates without data, every configured provider listed', () => {
    const s = snap();
    expect(s.traffic).toEqual({ rps: 0, requests: 0, errors: 0, error_rate: null, p50_ms: null, p95_ms: null, overhead_p95_ms: null });
    expect(s.cache.hit_rate).toBeNull();
    expect(s.providers.map((p) => [p.name, p.state])).toEqual([['claude', 'closed'], ['gpt', 'disabled'], ['echo', 'closed']]);
    expect(s.providers[1]!.detail).toBe('no API key: OPENAI_API_KEY is not set');
    expect(s.series.requests).toHaveLength(60);
  });

  it('computes requests per second over the last 10 seconds, error rate and latency percentiles over the minute', () => {
    clock.ms += 30_000; // up long enough that rps divides by 10 s
    for (let second = 0; second < 20; second++) {
      for (let i = 0; i < 5; i++) events.dispatch(request(200, 100));
      clock.ms += 1000;
    }
    clock.ms -= 1000;
    events.dispatch(request(503, 4000));
    events.dispatch(request(503, 4000));
    const s = snap();
    expect(s.traffic.requests).toBe(102);
    expect(s.traffic.rps).toBeCloseTo(5.2, 5); // 50 + 2 requests in the last 10 seconds
    expect(s.traffic.errors).toBe(2);
    expect(s.traffic.error_rate).toBeCloseTo(2 / 102, 4);
    expect(s.traffic.p50_ms! / 100).toBeGreaterThan(0.95);
    expect(s.traffic.p50_ms! / 100).toBeLessThan(1.05);
    expect(s.traffic.p95_ms! / 100).toBeLessThan(1.05);
    expect(s.series.requests.slice(-3)).toEqual([5, 5, 7]);
    expect(s.series.errors.slice(-2)).toEqual([0, 2]);
  });

  it('counts the tool calls of the last minute and those that failed', () => {
    const base = { requestId: 'r', agent: 'support', callId: 'c', tool: 'lookup_order', kind: 'function', known: true, argumentBytes: 2, duration: 3, arguments: '{}' };
    events.dispatch({ type: 'tool.complete', ...base, resultBytes: 5, truncated: false, result: 'found' });
    events.dispatch({ type: 'tool.error', ...base, outcome: 'timeout', message: 'too slow', resultBytes: 8 });
    expect(snap().tools).toEqual({ calls: 2, errors: 1 });
    clock.ms += 61_000;
    expect(snap().tools).toEqual({ calls: 0, errors: 0 });
  });

  it('divides by the uptime, not 10 seconds, right after start', () => {
    clock.ms += 2000;
    for (let i = 0; i < 4; i++) events.dispatch(request(200, 5));
    expect(snap().traffic.rps).toBe(2);
  });

  it('forgets traffic older than the one-minute window', () => {
    for (let i = 0; i < 10; i++) events.dispatch(request(500, 50));
    clock.ms += 61_000;
    const s = snap();
    expect(s.traffic).toMatchObject({ requests: 0, errors: 0, error_rate: null, p95_ms: null });
    expect(s.series.errors.every((n) => n === 0)).toBe(true);
  });

  it('ignores operational routes (health checks, scrapes, its own polling)', () => {
    events.dispatch(request(200, 1, { traffic: false, route: '/status.json', method: 'GET' }));
    expect(snap().traffic.requests).toBe(0);
  });

  it('measures the gateway overhead of requests that called an upstream', () => {
    events.dispatch(request(200, 105, { upstreamCalls: 2, upstreamMs: 80, waitedMs: 20 }));
    events.dispatch(request(200, 1, { upstreamCalls: 0 }));
    expect(snap().traffic.overhead_p95_ms! / 5).toBeGreaterThan(0.95);
    expect(snap().traffic.overhead_p95_ms! / 5).toBeLessThan(1.05);
  });

  it('shows the cache hit rate from lookups (bypasses do not count either way)', () => {
    for (const result of ['hit', 'hit', 'hit', 'miss', 'bypass'] as const) events.dispatch({ type: 'cache.lookup', agent: 'support', result });
    expect(snap().cache).toEqual({ hits: 3, misses: 1, hit_rate: 0.75 });
  });

  it('counts rate-limit rejections by scope and remembers the global bucket', () => {
    events.dispatch({ type: 'rate_limit.decision', agent: 'support', allowed: true, remaining: { user: 3, global: 41 } });
    events.dispatch({ type: 'rate_limit.decision', agent: 'support', allowed: false, scope: 'user', remaining: { user: 0, global: 41 } });
    events.dispatch({ type: 'rate_limit.decision', agent: 'support', allowed: false, scope: 'agent', remaining: { agent: 0 } });
    expect(snap().rate_limit).toEqual({ rejections: 2, by_scope: { user: 1, global: 0, agent: 1 }, global_remaining: 41 });
  });

  it('follows each circuit through open, half-open and closed', () => {
    const openedAt = clock.ms;
    events.dispatch(circuitEvent('claude', 'closed', 'open', { failures: 5, time: openedAt, halfOpenAt: openedAt + 30_000 }));
    let claude = snap().providers[0]!;
    expect(claude).toMatchObject({ state: 'open', since: new Date(openedAt).toISOString(), half_open_at: new Date(openedAt + 30_000).toISOString(), detail: 'opened after 5 consecutive failures' });
    events.dispatch(circuitEvent('claude', 'open', 'half-open', { time: openedAt + 30_000 }));
    expect(snap().providers[0]!.state).toBe('half-open');
    events.dispatch(circuitEvent('claude', 'half-open', 'closed', { time: openedAt + 31_000 }));
    claude = snap().providers[0]!;
    expect(claude).toMatchObject({ state: 'closed', half_open_at: null, detail: null });
  });

  it('keeps a disabled provider disabled whatever its circuit says', () => {
    events.dispatch(circuitEvent('gpt', 'closed', 'open'));
    expect(snap().providers[1]!.state).toBe('disabled');
  });

  it('counts per provider what it served, failed, retried and handed to a fallback', () => {
    events.dispatch(executionComplete({ agent: 'support', provider: 'claude' }));
    events.dispatch(executionComplete({ agent: 'support', provider: 'claude', cached: true }));
    events.dispatch(executionError({ agent: 'support', error: new ProviderError('claude: upstream answered 500', { provider: 'claude', kind: 'http', status: 500, retryable: true }) }));
    events.dispatch({ type: 'provider.attempt', requestId: 'r', agent: 'support', provider: 'claude', model: 'm', attempt: 1, outcome: 'error', durationMs: 5, streamed: false });
    events.dispatch({ type: 'provider.retry', requestId: 'r', provider: 'claude', attempt: 1, delayMs: 200, reason: 'http 500' });
    events.dispatch({ type: 'provider.fallback', requestId: 'r', agent: 'support', from: 'claude', to: 'echo', reason: 'retries_exhausted' });
    expect(snap().providers[0]).toMatchObject({ served: 1, failed: 1, upstream_errors: 1, retries: 1, fallbacks: 1 });
  });

  it('lists the last 20 errors, newest first, without prompts or keys', () => {
    for (let i = 0; i < 25; i++) {
      clock.ms += 1000;
      const message = i === 24 ? 'claude: upstream answered 401: invalid x-api-key sk-ant-FAKEKEY-0123456789' : `claude: upstream answered 500 #${i}`;
      events.dispatch(executionError({ agent: 'support', requestId: `req-${i}`, error: new ProviderError(message, { provider: 'claude', kind: 'http', status: i === 24 ? 401 : 500, retryable: false }) }));
    }
    const errors = snap().recent_errors;
    expect(errors).toHaveLength(20);
    expect(errors[0]).toMatchObject({ source: 'execution', request_id: 'req-24', agent: 'support', provider: 'claude', status: 401, kind: 'http' });
    expect(errors[0]!.message).toBe('claude: upstream answered 401: invalid x-api-key [redacted]');
    expect(errors[19]!.request_id).toBe('req-5');
    const text = JSON.stringify(snap());
    expect(text).not.toContain('sk-ant-FAKEKEY');
    expect(text).not.toContain('the user prompt');
  });

  it('names an unexpected error by class, without quoting its message', () => {
    events.dispatch(executionError({ agent: 'support', error: new TypeError('cannot read x of prompt "my secret question"') }));
    expect(snap().recent_errors[0]).toMatchObject({ provider: null, kind: 'TypeError', message: 'internal error (TypeError)' });
  });

  it('does not list a client that hung up as an error', () => {
    events.dispatch(executionError({ agent: 'support', error: new ProviderError('claude: request aborted by the caller', { provider: 'claude', kind: 'aborted', retryable: false }) }));
    expect(snap().recent_errors).toEqual([]);
    expect(snap().providers[0]!.failed).toBe(0);
  });

  it('lists store and audit failures by error code, never the message (a Redis URL may hold a password)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED redis://:hunter2@10.0.0.1:6379'), { code: 'ECONNREFUSED' });
    events.dispatch({ type: 'store.error', store: 'rate_limit', backend: 'redis', operation: 'check', error: refused });
    events.dispatch({ type: 'audit.fallback', sink: 'syslog', records: 3, error: new Error('EPIPE somewhere') });
    const [audit, store] = snap().recent_errors;
    expect(store).toMatchObject({ source: 'store', kind: 'rate_limit:check', message: 'rate_limit store (redis) failed on check: ECONNREFUSED' });
    expect(audit).toMatchObject({ source: 'audit', message: 'audit sink syslog failed (Error); 3 record(s) went to the fallback sink' });
    expect(JSON.stringify(snap())).not.toContain('hunter2');
  });

  it('labels an agent it does not know as (other)', () => {
    events.dispatch(executionError({ agent: 'made-up-by-a-client', error: new Error('x') }));
    expect(snap().recent_errors[0]!.agent).toBe('(other)');
  });
});
