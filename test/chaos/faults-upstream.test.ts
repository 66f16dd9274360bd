import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/audit-record.js';
import type { GatewayEventMap, GatewayEventType } from '../../src/events/gateway-events.js';
import { saveChaosArtifact } from '../support/chaos-artifacts.js';
import { clientHeaders, scrapeMetrics, startSupportGateway } from '../support/chaos-gateway.js';
import { ConcurrentLoad, countStatuses, latencySummary, type LoadOutcome } from '../support/concurrent-load.js';
import type { TestGateway } from '../support/gateway-harness.js';
import { useMockUpstreams, type MockBehaviour } from '../support/mock-upstreams.js';
import { parsePrometheus, sampleValue } from '../support/prometheus-text.js';
import { waitFor } from '../support/wait-for.js';

/** Requests sent at once in every burst. */
const BURST = 200;
/**
 * The primary's per-attempt timeout in the hanging scenario (`providers.claude.timeout`, seconds);
 * the others use 10 s, since the wait for one of the pool's 64 connections counts too and on this
 * busy box a burst of 200 can queue longer than 1 s (which then opens the breaker by itself).
 */
const TIMEOUT_S = 1;
/** `reset_timeout` of the recovery scenario; the others keep the breaker open for the whole scenario (30 s). */
const RESET_TIMEOUT_S = 0.5;
const THRESHOLD = 5;

/** The figures of every scenario, for docs/RELIABILITY.md. */
const figures: Record<string, unknown>[] = [];

/** Socket and timer handles of this process, counted by kind. */
function handles(): { sockets: number; timers: number } {
  const kinds = process.getActiveResourcesInfo();
  return { sockets: kinds.filter((k) => k === 'TCPSocketWrap').length, timers: kinds.filter((k) => k === 'Timeout').length };
}

describe('upstream failures under concurrent load (in-process gateway, mock Anthropic primary, mock OpenAI fallback)', () => {
  const { anthropic, openai } = useMockUpstreams();

  afterAll(() => {
    saveChaosArtifact('faults-upstream-figures.json', JSON.stringify(figures, null, 2));
  });

  /**
   * Runs `scenario` against a fresh gateway (a closed breaker), then closes it and checks that it
   * left no socket or timer behind: the mocks see every connection closed, and this process has
   * no more socket or timer handles than before the gateway started.
   */
  async function withGateway(name: string, scenario: (g: TestGateway, load: ConcurrentLoad) => Promise<void>, options: { resetTimeoutS?: number; timeoutS?: number } = {}): Promise<void> {
    const { resetTimeoutS = 30, timeoutS = 10 } = options;
    const baseline = handles();
    const g = await startSupportGateway({
      claude: {
        type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: timeoutS, max_retries: 1,
        circuit_breaker: { failure_threshold: THRESHOLD, reset_timeout: resetTimeoutS, initial_backoff_ms: 10, max_backoff_ms: 50, max_retry_after_ms: 2_000, fallback_providers: ['gpt'] },
      },
      gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o-mini', timeout: 30, max_retries: 0, circuit_breaker: { failure_threshold: 1_000 } },
    });
    const load = new ConcurrentLoad(g.url, BURST);
    try {
      await scenario(g, load);
      await scrapeMetrics(g.url, `faults-upstream-${name}.metrics`);
    } finally {
      await g.gateway.audit?.flush();
      saveChaosArtifact(`faults-upstream-${name}.audit.jsonl`, readFileSync(join(g.dir, 'audit', 'audit.jsonl'), 'utf8'));
      saveChaosArtifact(`faults-upstream-${name}.log`, g.logs.raw.join('\n'));
      await load.close();
      await g.close();
    }
    // The hanging and reset upstream calls included: every connection the gateway opened is closed.
    await waitFor(() => anthropic.openSockets === 0 && openai.openSockets === 0);
    const after = await waitFor(() => {
      const now = handles();
      return now.sockets <= baseline.sockets && now.timers <= baseline.timers && now;
    }).catch(() => handles());
    expect(after.sockets, 'socket handles after close').toBeLessThanOrEqual(baseline.sockets);
    expect(after.timers, 'timer handles after close').toBeLessThanOrEqual(baseline.timers);
  }

  const ask = (load: ConcurrentLoad, tag: string, body: Record<string, unknown> = {}) =>
    load.burst(BURST, (i) => ({ path: '/v1/agents/support/execute', body: { input: `${tag} ${i}`, ...body }, headers: clientHeaders(`user-${i % 20}`) }));

  function record<T extends GatewayEventType>(g: TestGateway, type: T): GatewayEventMap[T][] {
    const seen: GatewayEventMap[T][] = [];
    g.gateway.events.on(type, (event) => void seen.push(event));
    return seen;
  }

  /** The data of the first SSE event named `event` in a streamed response, parsed. */
  const sseData = (o: LoadOutcome, event: string): unknown => {
    const data = new RegExp(`event: ${event}\\ndata: (.*)\\n`).exec(o.body)?.[1];
    return data === undefined ? undefined : (JSON.parse(data) as unknown);
  };
  const json = (o: LoadOutcome): Record<string, unknown> => JSON.parse(o.body) as Record<string, unknown>;
  const servedBy = (outcomes: LoadOutcome[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const o of outcomes.filter((x) => x.status === 200)) counts[String(json(o)['provider'])] = (counts[String(json(o)['provider'])] ?? 0) + 1;
    return counts;
  };

  /** A primary that fails every call one way: the breaker opens, the fallback serves every request. */
  async function failingPrimary(name: string, behaviour: MockBehaviour, bound: { maxMs: number; timeoutS?: number }): Promise<void> {
    await withGateway(name, async (g, load) => {
      const opened = record(g, 'circuit.opened');
      anthropic.mode = behaviour;
      const first = await ask(load, name);
      const primaryCallsAfterFirst = anthropic.requests.length;
      const second = await ask(load, `${name} again`);
      const metrics = parsePrometheus(await scrapeMetrics(g.url, `faults-upstream-${name}.metrics`));
      figures.push({
        scenario: name, requests: 2 * BURST, statuses: countStatuses([...first, ...second]), servedBy: servedBy([...first, ...second]),
        first: latencySummary(first), second: latencySummary(second), primaryCalls: anthropic.requests.length, primaryCallsDuringSecond: anthropic.requests.length - primaryCallsAfterFirst,
        circuitOpened: opened.length, breakerFailures: sampleValue(metrics, 'ossa_circuit_breaker_failures_total', { provider: 'claude' }),
        lateCallsOfFirstBurst: anthropic.requests.slice(primaryCallsAfterFirst).filter((r) => !JSON.stringify(r.body).includes(`${name} again`)).length,
      });
      expect(countStatuses([...first, ...second])).toEqual({ 200: 2 * BURST });
      expect(servedBy([...first, ...second])).toEqual({ gpt: 2 * BURST });
      expect([...first, ...second].every((o) => json(o)['fallback_used'] === true)).toBe(true);
      // Opened once, after THRESHOLD failures; then the primary is left alone: no call during the second burst.
      expect(opened).toEqual([expect.objectContaining({ provider: 'claude', to: 'open', failures: THRESHOLD })]);
      // (The mock may record a call of the first burst late, when this busy process gets to it: counted apart.)
      expect(anthropic.requests.slice(primaryCallsAfterFirst).filter((r) => JSON.stringify(r.body).includes(`${name} again`))).toEqual([]);
      expect(second.every((o) => json(o)['attempts'] === 1)).toBe(true);
      expect(latencySummary(first).max).toBeLessThan(bound.maxMs);
      expect(sampleValue(metrics, 'ossa_circuit_breaker_state', { provider: 'claude' })).toBe(2);
    }, bound.timeoutS === undefined ? {} : { timeoutS: bound.timeoutS });
  }

  it('a primary failing 100% (500): opens the breaker, the fallback serves all, and a half-open trial closes it once the primary is back', async () => {
    await failingPrimary('fail-100', { kind: 'error', status: 500 }, { maxMs: 15_000 });
    await withGateway('recovery', async (g, load) => {
      const changes = record(g, 'circuit.closed');
      anthropic.mode = { kind: 'error', status: 500 };
      await ask(load, 'open it');
      anthropic.mode = { kind: 'reply' };
      await new Promise((resolve) => setTimeout(resolve, RESET_TIMEOUT_S * 1_000 + 100));
      const before = anthropic.requests.length;
      const trial = await ask(load, 'half-open');
      const after = await ask(load, 'closed again');
      figures.push({ scenario: 'recovery', requests: 2 * BURST, statuses: countStatuses([...trial, ...after]), halfOpenBurst: servedBy(trial), closedBurst: servedBy(after), primaryCallsDuringHalfOpenBurst: servedBy(trial)['claude'] ?? 0 });
      expect(countStatuses([...trial, ...after])).toEqual({ 200: 2 * BURST });
      // Exactly one trial reached the primary; its success closed the circuit before the next burst.
      expect(anthropic.requests.length - before).toBe(1 + BURST);
      expect(servedBy(trial)).toEqual({ claude: 1, gpt: BURST - 1 });
      expect(servedBy(after)).toEqual({ claude: BURST });
      expect(changes).toHaveLength(1);
    }, { resetTimeoutS: RESET_TIMEOUT_S });
  });

  it('a primary flapping 50%: every request succeeds, retries absorb the failures and nobody gets an error', async () => {
    await withGateway('flap-50', async (g, load) => {
      const retries = record(g, 'provider.retry');
      anthropic.mode = { kind: 'reply' };
      // Every other call fails, in arrival order: as a flapping upstream does.
      anthropic.script(...Array.from({ length: 2 * BURST }, (_, i): MockBehaviour => (i % 2 === 0 ? { kind: 'error', status: 503 } : { kind: 'reply' })));
      const outcomes = await ask(load, 'flap');
      const served = servedBy(outcomes);
      const attempts = outcomes.reduce((sum, o) => sum + Number(json(o)['attempts']), 0);
      figures.push({ scenario: 'flap-50', requests: BURST, statuses: countStatuses(outcomes), servedBy: served, latency: latencySummary(outcomes), retries: retries.length, upstreamCalls: anthropic.requests.length + openai.requests.length, attempts });
      expect(countStatuses(outcomes)).toEqual({ 200: BURST });
      expect(retries.length).toBeGreaterThan(0);
      // The attempts each response reports add up to the calls the upstreams saw: none lost or double counted.
      expect(attempts).toBe(anthropic.requests.length + openai.requests.length);
    });
  });

  it('a primary answering 429 with a Retry-After longer than max_retry_after_ms: fails over at once instead of sleeping on it', async () => {
    // Well under the 30 s asked for: nobody slept on it (the rest is this busy box's queueing).
    await failingPrimary('429-retry-after', { kind: 'error', status: 429, retryAfter: '30' }, { maxMs: 15_000 });
  });

  it('a primary answering 429 with a short Retry-After: the retry waits that long, then the fallback serves', async () => {
    await withGateway('429-short', async (g, load) => {
      anthropic.mode = { kind: 'error', status: 429, retryAfter: '1' };
      const outcomes = await ask(load, '429 short');
      figures.push({ scenario: '429-short', requests: BURST, statuses: countStatuses(outcomes), servedBy: servedBy(outcomes), latency: latencySummary(outcomes), primaryCalls: anthropic.requests.length });
      expect(countStatuses(outcomes)).toEqual({ 200: BURST });
      expect(servedBy(outcomes)).toEqual({ gpt: BURST });
      // Those whose retry was scheduled before the circuit opened waited the second Retry-After asked for.
      expect(latencySummary(outcomes).max).toBeGreaterThanOrEqual(1_000);
      expect(latencySummary(outcomes).max).toBeLessThan(15_000);
    });
  });

  it('a primary hanging past the timeout: each attempt is cut at the timeout, the fallback serves, the hung calls are aborted', async () => {
    await failingPrimary('hang', { kind: 'hang' }, { maxMs: 15_000, timeoutS: TIMEOUT_S });
    expect(anthropic.requests.length).toBeGreaterThan(0);
  });

  it('a primary resetting connections: network errors, the fallback serves', async () => {
    await failingPrimary('reset', { kind: 'reset' }, { maxMs: 15_000 });
  });

  it('a primary returning malformed JSON: a retryable failure, the fallback serves', async () => {
    await failingPrimary('malformed', { kind: 'malformed' }, { maxMs: 15_000 });
  });

  it('truncated SSE streams: before the first delta the fallback serves; after it, the stream ends with an error event, audited', async () => {
    await withGateway('truncated-sse', async (g, load) => {
      anthropic.mode = { kind: 'truncate', afterDeltas: 2 };
      const midway = await ask(load, 'truncated midway', { stream: true });
      anthropic.mode = { kind: 'truncate', afterDeltas: 0 };
      const early = await ask(load, 'truncated early', { stream: true });
      const last = (o: LoadOutcome) => /event: (\w+)\n[^\n]*\n\n$/.exec(o.body)?.[1];
      const endings = (outcomes: LoadOutcome[]) => {
        const counts: Record<string, number> = {};
        for (const o of outcomes) counts[String(last(o))] = (counts[String(last(o))] ?? 0) + 1;
        return counts;
      };
      await g.gateway.audit!.flush();
      const audit = readFileSync(join(g.dir, 'audit', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
      const streamErrors = audit.filter((r) => r.event === 'llm_error' && r.streamed && (r as { tokens_seen?: number }).tokens_seen === 2);
      figures.push({ scenario: 'truncated-sse', requests: 2 * BURST, statuses: countStatuses([...midway, ...early]), midwayEndings: endings(midway), earlyEndings: endings(early), midway: latencySummary(midway), early: latencySummary(early), auditedMidStreamErrors: streamErrors.length });
      expect(countStatuses([...midway, ...early])).toEqual({ 200: 2 * BURST });
      // Midway, through the primary: the parts already sent cannot be taken back, so the stream
      // ends with a problem document after its two deltas, and the audit log says so. Once those
      // failures opened the breaker, the rest start on the fallback and complete.
      const provider = (o: LoadOutcome) => (sseData(o, 'start') as { provider?: string } | undefined)?.provider;
      const broken = midway.filter((o) => last(o) === 'error');
      expect(broken.length).toBeGreaterThanOrEqual(THRESHOLD);
      expect(broken.every((o) => provider(o) === 'claude' && (o.body.match(/event: delta/g) ?? []).length === 2)).toBe(true);
      expect(broken.every((o) => (sseData(o, 'error') as { status: number; type: string }).status >= 500)).toBe(true);
      expect(midway.filter((o) => last(o) === 'done').every((o) => provider(o) === 'gpt')).toBe(true);
      expect(endings(midway)).toEqual({ error: broken.length, ...(broken.length < BURST ? { done: BURST - broken.length } : {}) });
      expect(streamErrors).toHaveLength(broken.length);
      // Early: nothing reached the client yet, so retries and the fallback apply and every stream completes.
      expect(endings(early)).toEqual({ done: BURST });
    });
  });

  it('every provider failing: a 503 problem+json naming each provider tried, with Retry-After', async () => {
    await withGateway('all-down', async (_g, load) => {
      anthropic.mode = { kind: 'error', status: 500 };
      openai.mode = { kind: 'reset' };
      const outcomes = await ask(load, 'all down');
      figures.push({ scenario: 'all-down', requests: BURST, statuses: countStatuses(outcomes), latency: latencySummary(outcomes) });
      saveChaosArtifact('faults-upstream-all-down.bodies.txt', [...new Set(outcomes.map((o) => o.body))].join('\n'));
      expect(countStatuses(outcomes)).toEqual({ 503: BURST });
      expect(outcomes.every((o) => o.headers['content-type']?.startsWith('application/problem+json'))).toBe(true);
      for (const o of outcomes) {
        const tried = json(o)['providers_tried'] as { provider: string; reason: string }[];
        expect(tried.map((p) => p.provider)).toEqual(['claude', 'gpt']);
        // Retry-After when one of them can say when it is worth asking again: an open circuit.
        if (tried.some((p) => p.reason === 'circuit_open')) expect(Number(o.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    });
  });
});
