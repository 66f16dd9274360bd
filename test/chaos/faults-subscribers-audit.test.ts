import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveChaosArtifact } from '../support/chaos-artifacts.js';
import { CHAOS_ENV, CHAOS_OBSERVABILITY, CHAOS_SECURITY, clientHeaders, scrapeMetrics, startSupportGateway } from '../support/chaos-gateway.js';
import { startServe, type ServeProcess } from '../support/cli-process.js';
import { ConcurrentLoad, countStatuses, latencySummary } from '../support/concurrent-load.js';
import { agentManifest, tempDir, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, type MockUpstream } from '../support/mock-upstreams.js';
import { parsePrometheus, sampleValue } from '../support/prometheus-text.js';
import { waitFor } from '../support/wait-for.js';

/** Requests sent at once. */
const BURST = 300;

/** The figures of every scenario, for docs/RELIABILITY.md. */
const figures: Record<string, unknown>[] = [];

const providers = (anthropic: MockUpstream) => ({ claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, max_retries: 0 } });
const support = agentManifest('support', { provider: 'claude', model: 'claude-sonnet-4-5' });
const request = (tag: string) => (i: number) => ({ path: '/v1/agents/support/execute', body: { input: `${tag} ${i}` }, headers: clientHeaders(`user-${i % 20}`) });

afterAll(() => saveChaosArtifact('faults-subscribers-audit-figures.json', JSON.stringify(figures, null, 2)));

describe('event subscribers that throw, reject or hang, under load (in-process gateway)', () => {
  let anthropic: MockUpstream;
  let t: TestGateway;

  beforeAll(async () => {
    anthropic = await startMockAnthropic();
    t = await startSupportGateway(providers(anthropic));
  });
  afterAll(async () => {
    saveChaosArtifact('faults-subscribers.log', t.logs.raw.join('\n'));
    await t?.close();
    await anthropic?.close();
  });

  it('answers every request as without them, counts and logs each failure, and never waits on the hung one', async () => {
    const load = new ConcurrentLoad(t.url, BURST);
    try {
      const baseline = await load.burst(BURST, request('baseline'));
      const failuresBefore = t.gateway.events.failures;

      // Throws synchronously, rejects later, never settles: the three ways a subscriber goes wrong.
      const offs = [
        t.gateway.events.on('agent.execution.complete', () => {
          throw new Error('subscriber bug: cannot read the response');
        }),
        t.gateway.events.on('provider.attempt', async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          throw new Error('subscriber bug: the metrics backend is down');
        }),
        t.gateway.events.on('agent.execution.start', () => new Promise<void>(() => undefined)),
      ];
      const outcomes = await load.burst(BURST, request('with broken subscribers'));
      for (const off of offs) off();

      // Two failures per request (the throw and the rejection); the hung subscriber is no failure, only never done.
      await waitFor(() => t.gateway.events.failures - failuresBefore >= 2 * BURST);
      const metrics = parsePrometheus(await scrapeMetrics(t.url, 'faults-subscribers.metrics'));
      const errorLines = t.logs.lines.filter((l) => String(l['msg']).startsWith('event subscriber for '));
      figures.push({
        scenario: 'broken-subscribers', requests: BURST, statuses: countStatuses(outcomes), latency: latencySummary(outcomes), baseline: latencySummary(baseline),
        subscriberFailures: t.gateway.events.failures - failuresBefore, failureLogLines: errorLines.length, metric: sampleValue(metrics, 'ossa_event_subscriber_failures_total'),
      });

      expect(countStatuses(baseline)).toEqual({ 200: BURST });
      expect(countStatuses(outcomes)).toEqual({ 200: BURST });
      expect(outcomes.every((o) => (JSON.parse(o.body) as { output: string }).output.startsWith('echo: with broken subscribers'))).toBe(true);
      expect(t.gateway.events.failures - failuresBefore).toBe(2 * BURST);
      expect(sampleValue(metrics, 'ossa_event_subscriber_failures_total')).toBe(t.gateway.events.failures);
      expect(errorLines).toHaveLength(2 * BURST);
      expect(errorLines.every((l) => typeof l['request_id'] === 'string' && l['level'] === 'error')).toBe(true);
      // Not slowed down by them: the burst's slowest request within twice the baseline's, plus scheduling slack.
      expect(latencySummary(outcomes).max).toBeLessThan(2 * latencySummary(baseline).max + 500);
    } finally {
      await load.close();
    }
  });
});

describe('an audit sink that fails, under load (spawned gateways: the fallback is their stderr)', () => {
  let anthropic: MockUpstream;
  let dir: string;
  const gateways: { name: string; serve: ServeProcess }[] = [];

  beforeAll(async () => {
    anthropic = await startMockAnthropic();
    dir = tempDir({ 'agents/support.ossa.yaml': support, 'a-file': 'not a directory\n' });
    const config = (path: string) =>
      JSON.stringify({ ossa: { manifest_paths: ['agents'], server: { port: 0 }, providers: providers(anthropic), rate_limit: { enabled: false }, cache: { enabled: false }, security: { ...CHAOS_SECURITY, audit: { path } }, observability: CHAOS_OBSERVABILITY } });
    // A full disk (/dev/full: every write fails with ENOSPC) and a path that cannot be created
    // (its "directory" is a regular file: ENOTDIR; chmod would not stop root, which CI runs as).
    writeFileSync(join(dir, 'full-disk.yaml'), config('/dev/full'));
    writeFileSync(join(dir, 'not-a-dir.yaml'), config(join(dir, 'a-file', 'audit.jsonl')));
    for (const name of ['full-disk', 'not-a-dir']) gateways.push({ name, serve: await startServe(dir, { ...CHAOS_ENV }, ['--config', `${name}.yaml`]) });
  });
  afterAll(async () => {
    for (const { name, serve } of gateways) {
      await serve.stop();
      saveChaosArtifact(`faults-audit-${name}.log`, serve.output());
    }
    await anthropic?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['full-disk', 'not-a-dir'])('%s: every response unaffected, every record on stderr marked audit_fallback, counted on /metrics', async (name) => {
    const serve = gateways.find((g) => g.name === name)!.serve;
    const load = new ConcurrentLoad(serve.url, BURST);
    try {
      const outcomes = await load.burst(BURST, request(name));
      const fallbackRecords = () =>
        serve
          .output()
          .split('\n')
          .filter((l) => l.includes('"audit_fallback"'))
          .map((l) => JSON.parse(l) as { event: string; audit_fallback: string; request_id: string });
      // Records are written after the responses, in batches: wait for the last of them.
      await waitFor(() => fallbackRecords().length >= 2 * BURST);
      const records = fallbackRecords();
      const metrics = parsePrometheus(await scrapeMetrics(serve.url, `faults-audit-${name}.metrics`));
      const sinkErrors = serve.output().split('\n').filter((l) => l.includes('audit sink failed'));
      figures.push({
        scenario: `audit-${name}`, requests: BURST, statuses: countStatuses(outcomes), latency: latencySummary(outcomes), fallbackRecords: records.length,
        sinkFailures: sampleValue(metrics, 'ossa_audit_sink_failures_total', { sink: 'file' }), fallbackCounter: sampleValue(metrics, 'ossa_audit_fallback_records_total', { sink: 'file' }), sinkErrorLogLines: sinkErrors.length,
      });

      expect(countStatuses(outcomes)).toEqual({ 200: BURST });
      // Nothing lost: a request and a response record per request, each marked with the sink that failed.
      expect(records).toHaveLength(2 * BURST);
      expect(records.every((r) => r.audit_fallback === 'file')).toBe(true);
      expect(records.filter((r) => r.event === 'llm_request')).toHaveLength(BURST);
      expect(records.filter((r) => r.event === 'llm_response')).toHaveLength(BURST);
      expect(new Set(records.map((r) => r.request_id)).size).toBe(BURST);
      expect(sampleValue(metrics, 'ossa_audit_fallback_records_total', { sink: 'file' })).toBe(2 * BURST);
      expect(sampleValue(metrics, 'ossa_audit_sink_failures_total', { sink: 'file' })).toBeGreaterThanOrEqual(1);
      // Logged once while the sink stays broken, not once per failed batch (the counter has those).
      expect(sinkErrors).toHaveLength(1);
      expect(sinkErrors[0]).toMatch(/"level":"error".*audit records go to stderr until it recovers/);
    } finally {
      await load.close();
    }
  });
});
