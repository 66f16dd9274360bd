import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveChaosArtifact } from '../support/chaos-artifacts.js';
import { CHAOS_ENV, CHAOS_OBSERVABILITY, CHAOS_SECURITY, clientHeaders, scrapeMetrics } from '../support/chaos-gateway.js';
import { startServe, type ServeProcess } from '../support/cli-process.js';
import { ConcurrentLoad, countStatuses, latencySummary, peakInFlight, type LoadOutcome } from '../support/concurrent-load.js';
import { agentManifest, tempDir } from '../support/gateway-harness.js';
import { startMockAnthropic, type MockUpstream } from '../support/mock-upstreams.js';
import { parsePrometheus, sampleSum, sampleValue } from '../support/prometheus-text.js';
import { testKeyPrefix } from '../support/test-redis.js';
import { ThrowawayRedis } from '../support/throwaway-redis.js';

/** The deadline each gateway gives a Redis command (`redis.command_timeout_ms`). */
const COMMAND_TIMEOUT_MS = 500;
/** Requests in flight against each gateway for the whole run. */
const CONCURRENCY = 200;
/**
 * Each client sends at most one request a second (what `Retry-After: 1` asks of them) and the
 * upstream takes UPSTREAM_MS to answer, like a model: CONCURRENCY requests in flight at about
 * CONCURRENCY req/s, rather than clients hammering 503s in a tight loop.
 */
const PACE_MS = 1_000;
const UPSTREAM_MS = 800;
const OUTAGE_MS = 3_000;
const AFTER_MS = 2_000;

describe('Redis killed and restarted under load (spawned gateways, throwaway redis-server)', () => {
  let redis: ThrowawayRedis;
  let anthropic: MockUpstream;
  let dir: string;
  let failOpen: ServeProcess;
  let failClosed: ServeProcess;
  const prefix = testKeyPrefix();

  const config = (mode: { failOpen: boolean }): string =>
    JSON.stringify({
      ossa: {
        manifest_paths: ['agents'],
        server: { port: 0 },
        providers: { claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url } },
        redis: { url: redis.url, key_prefix: prefix, command_timeout_ms: COMMAND_TIMEOUT_MS },
        rate_limit: { storage: 'redis', fail_open: mode.failOpen, user: { limit: 1_000_000, interval: '1 hour' }, global: { limit: 10_000_000, interval: '1 hour' } },
        cache: { storage: mode.failOpen ? 'redis' : 'memory' },
        security: { ...CHAOS_SECURITY, audit: { path: `audit-${mode.failOpen ? 'open' : 'closed'}.jsonl` } },
        observability: { ...CHAOS_OBSERVABILITY, log_level: 'info' },
      },
    });

  beforeAll(async () => {
    [redis, anthropic] = await Promise.all([ThrowawayRedis.start(), startMockAnthropic()]);
    anthropic.mode = { kind: 'reply', delayMs: UPSTREAM_MS };
    dir = tempDir({ 'agents/support.ossa.yaml': agentManifest('support', { provider: 'claude', model: 'claude-sonnet-4-5' }) });
    // JSON is YAML: the config is written as data, so no value needs quoting by hand.
    writeFileSync(join(dir, 'open.yaml'), config({ failOpen: true }));
    writeFileSync(join(dir, 'closed.yaml'), config({ failOpen: false }));
    [failOpen, failClosed] = await Promise.all([startServe(dir, { ...CHAOS_ENV }, ['--config', 'open.yaml']), startServe(dir, { ...CHAOS_ENV }, ['--config', 'closed.yaml'])]);
  });

  afterAll(async () => {
    await Promise.all([failOpen?.stop(), failClosed?.stop()]);
    if (failOpen) saveChaosArtifact('faults-redis-open.log', failOpen.output());
    if (failClosed) saveChaosArtifact('faults-redis-closed.log', failClosed.output());
    await Promise.all([redis?.stop(), anthropic?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** What one gateway's clients saw around the outage; `degraded` says which answers still show it. */
  interface OutageRun {
    readonly outcomes: LoadOutcome[];
    readonly before: LoadOutcome[];
    /** Started while Redis was down. */
    readonly during: LoadOutcome[];
    /** Started and answered while Redis was down. */
    readonly answeredDuring: LoadOutcome[];
    readonly after: LoadOutcome[];
    readonly figures: Record<string, unknown>;
    /** The last request started after Redis was back that still saw the outage (ms after), 0 if none. */
    readonly lastDegradedMs: number;
    /** The gateway's "available again" log line, ms after Redis accepted connections. */
    readonly reconnectLoggedMs: number;
    /** The gateway's event-loop lag p99 over the outage and the recovery (`nodejs_eventloop_lag_p99_seconds`). */
    readonly eventLoopLagP99Ms: number;
  }

  /**
   * Keeps CONCURRENCY requests in flight against `gateway` while Redis is killed, left down for
   * OUTAGE_MS and restarted; requests are sorted by when they ran: before the kill, wholly
   * inside the outage, and started after Redis was back.
   */
  async function outageUnderLoad(gateway: ServeProcess, name: string, degraded: (o: LoadOutcome) => boolean): Promise<OutageRun> {
    const load = new ConcurrentLoad(gateway.url, CONCURRENCY);
    const request = (i: number) => ({ path: '/v1/agents/support/execute', body: { input: `${name} question ${i}` }, headers: clientHeaders(`user-${i % 50}`) });
    try {
      // Warm-up: the gateway limits through Redis (RateLimit-* headers) under a burst of the full concurrency.
      const warm = await load.burst(CONCURRENCY, request);
      expect(countStatuses(warm)).toEqual({ 200: CONCURRENCY });
      expect(warm.every((o) => o.headers['ratelimit-limit'] !== undefined)).toBe(true);

      const running = load.sustain(CONCURRENCY, request, { paceMs: PACE_MS });
      await sleep(2_000);
      // prom-client resets its event-loop lag histogram on every scrape: the next one covers the outage and the recovery.
      await scrapeMetrics(gateway.url, `faults-redis-${name}.metrics`);
      await redis.kill();
      const killedAt = performance.now();
      const killedEpoch = Date.now();
      await sleep(OUTAGE_MS);
      const restartAt = performance.now();
      await redis.restart();
      const backAt = performance.now();
      const backEpoch = Date.now();
      await sleep(AFTER_MS);
      running.stop();
      const outcomes = await running.done;

      // The baseline: the warm-up burst, all CONCURRENCY requests at once, before any fault.
      const before = warm;
      const during = outcomes.filter((o) => o.startedAt > killedAt && o.startedAt < restartAt);
      // Those answered while Redis was still down (a request started late in the outage may be
      // checked after the restart on a busy box).
      const answeredDuring = during.filter((o) => o.endedAt < restartAt);
      const after = outcomes.filter((o) => o.startedAt > backAt);
      const lastDegradedMs = Math.max(0, ...after.filter(degraded).map((o) => o.startedAt - backAt));
      const reconnectedEpoch = gateway
        .output()
        .split('\n')
        .filter((l) => l.includes('is available again'))
        .map((l) => Date.parse((JSON.parse(l) as { time: string }).time))
        .find((time) => time > killedEpoch);
      const reconnectLoggedMs = reconnectedEpoch === undefined ? Number.POSITIVE_INFINITY : reconnectedEpoch - backEpoch;
      const lagMetrics = parsePrometheus(await scrapeMetrics(gateway.url, `faults-redis-${name}.metrics`));
      const eventLoopLagP99Ms = Math.round(1_000 * (sampleValue(lagMetrics, 'nodejs_eventloop_lag_p99_seconds') ?? 0));
      const figures = {
        concurrency: CONCURRENCY,
        commandTimeoutMs: COMMAND_TIMEOUT_MS,
        outageMs: Math.round(restartAt - killedAt),
        redisRestartMs: Math.round(backAt - restartAt),
        statuses: countStatuses(outcomes),
        before: latencySummary(before),
        during: { statuses: countStatuses(during), latency: latencySummary(during), answeredDuring: { statuses: countStatuses(answeredDuring), latency: latencySummary(answeredDuring) } },
        after: { statuses: countStatuses(after), latency: latencySummary(after) },
        peakInFlight: peakInFlight(outcomes),
        lastDegradedMs: Math.round(lastDegradedMs),
        reconnectLoggedMs,
        eventLoopLagP99Ms,
      };
      saveChaosArtifact(`faults-redis-${name}-figures.json`, JSON.stringify(figures, null, 2));
      console.log(`faults-redis ${name}`, JSON.stringify(figures));
      saveChaosArtifact(`faults-redis-${name}-error-bodies.txt`, [...new Set(outcomes.filter((o) => o.status !== 200).map((o) => o.body))].join('\n'));

      // Enough load really ran through each phase for the figures to mean something.
      expect(during.length).toBeGreaterThan(CONCURRENCY / 4);
      expect(figures.peakInFlight).toBeGreaterThanOrEqual(CONCURRENCY * 0.9);
      expect(after.length).toBeGreaterThan(CONCURRENCY / 4);
      return { outcomes, before, during, answeredDuring, after, figures, lastDegradedMs, reconnectLoggedMs, eventLoopLagP99Ms };
    } finally {
      await load.close();
    }
  }

  /**
   * Recovery within a second: the gateway logs that Redis is back within 1 s of it accepting
   * connections, and no request started later than that still saw the outage. Allowed on top:
   * four turns of the gateway's own event-loop lag (p99, measured over the same window), since
   * a reconnect takes about four (the retry timer, the connect, the ready check's write and
   * read) and this 2-core box is shared with other test runs that starve it at times.
   */
  function expectRecoveredWithinASecond(run: OutageRun): void {
    const lateness = 4 * run.eventLoopLagP99Ms;
    expect(run.reconnectLoggedMs).toBeLessThan(1_000 + lateness);
    expect(run.lastDegradedMs).toBeLessThan(1_000 + lateness);
  }

  /**
   * Nobody waited on the dead Redis: what the outage added to any request's time is below the
   * command timeout (measured against the slowest request before the kill, since on a busy
   * 2-core box the queueing alone is hundreds of milliseconds).
   */
  function expectNoWaitOnRedis(run: OutageRun): void {
    expect(latencySummary(run.during).max).toBeLessThan(latencySummary(run.before).max + COMMAND_TIMEOUT_MS);
  }

  it('fail-open: no request fails or waits on the dead Redis, and limits apply again within a second of it returning', async () => {
    const run = await outageUnderLoad(failOpen, 'open', (o) => o.headers['ratelimit-limit'] === undefined);
    expect(countStatuses(run.outcomes)).toEqual({ 200: run.outcomes.length });
    // Admitted unchecked (no RateLimit-* fields) and uncached during the outage.
    expect(run.answeredDuring.every((o) => o.headers['ratelimit-limit'] === undefined && o.headers['x-cache'] === 'MISS')).toBe(true);
    expectNoWaitOnRedis(run);
    expectRecoveredWithinASecond(run);
    expect(run.after.filter((o) => o.headers['ratelimit-limit'] !== undefined).length).toBeGreaterThan(CONCURRENCY / 4);

    const metrics = parsePrometheus(await scrapeMetrics(failOpen.url, 'faults-redis-open.metrics'));
    expect(sampleSum(metrics, 'ossa_store_errors_total', { store: 'rate_limit', backend: 'redis' })).toBeGreaterThan(0);
    expect(sampleSum(metrics, 'ossa_store_errors_total', { store: 'cache', backend: 'redis' })).toBeGreaterThan(0);
  });

  it('fail-closed: a quick 503 for every request of the outage, and 200s again within a second of Redis returning', async () => {
    const run = await outageUnderLoad(failClosed, 'closed', (o) => o.status !== 200);
    expect(run.answeredDuring.length).toBeGreaterThan(CONCURRENCY / 4);
    expect(countStatuses(run.answeredDuring)).toEqual({ 503: run.answeredDuring.length });
    expect(run.answeredDuring.every((o) => o.headers['retry-after'] === '1' && o.headers['content-type']?.startsWith('application/problem+json'))).toBe(true);
    expect(JSON.parse(run.answeredDuring[0]!.body)).toMatchObject({ type: 'urn:ossa-gateway:problem:rate-limit-unavailable', status: 503 });
    // Nothing but 200 or that 503 at any time: no request fell through the cracks at the kill or the restart.
    expect(Object.keys(countStatuses(run.outcomes)).sort()).toEqual(['200', '503']);
    expectNoWaitOnRedis(run);
    expectRecoveredWithinASecond(run);

    const metrics = parsePrometheus(await scrapeMetrics(failClosed.url, 'faults-redis-closed.metrics'));
    expect(sampleSum(metrics, 'ossa_store_errors_total', { store: 'rate_limit', backend: 'redis' })).toBeGreaterThanOrEqual(run.answeredDuring.length);
    expect(sampleSum(metrics, 'ossa_http_requests_total', { route: '/v1/agents/:name/execute', status: '503' })).toBe(countStatuses(run.outcomes)['503']);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
