import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/audit-record.js';
import { saveChaosArtifact } from '../support/chaos-artifacts.js';
import { clientHeaders, scrapeMetrics, startSupportGateway } from '../support/chaos-gateway.js';
import { percentile } from '../support/concurrent-load.js';
import type { TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, type MockUpstream } from '../support/mock-upstreams.js';
import { parsePrometheus, sampleValue } from '../support/prometheus-text.js';
import { waitFor } from '../support/wait-for.js';

/** Clients that hang up, all at once. */
const CLIENTS = 200;

/** The figures of every scenario, for docs/RELIABILITY.md. */
const figures: Record<string, unknown>[] = [];

describe('clients that disconnect mid-request, under load (in-process gateway, mock Anthropic upstream)', () => {
  let anthropic: MockUpstream;
  let t: TestGateway;

  beforeAll(async () => {
    anthropic = await startMockAnthropic();
    t = await startSupportGateway({ claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 60, max_retries: 2, max_connections: 256 } });
  });
  afterAll(async () => {
    saveChaosArtifact('faults-client-disconnect.log', t.logs.raw.join('\n'));
    saveChaosArtifact('faults-client-disconnect-figures.json', JSON.stringify(figures, null, 2));
    await t?.close();
    await anthropic?.close();
  });

  const auditRecords = async (): Promise<AuditRecord[]> => {
    await t.gateway.audit!.flush();
    return readFileSync(join(t.dir, 'audit', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
  };

  /**
   * CLIENTS requests with ids `<tag>-<i>`; once `ready()` holds (every upstream call is under
   * way), every client hangs up at once. Resolves with how long the gateway took to abort all
   * the upstream calls after the hang-up.
   */
  async function hangUpAll(tag: string, body: Record<string, unknown>, ready: () => boolean): Promise<{ abortAllMs: number; abortMs: number[] }> {
    const controllers = Array.from({ length: CLIENTS }, () => new AbortController());
    const requests = controllers.map((controller, i) =>
      fetch(`${t.url}/v1/agents/support/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `${tag}-${i}`, ...clientHeaders(`user-${i % 20}`) },
        body: JSON.stringify({ input: `${tag} question ${i}`, ...body }),
        signal: controller.signal,
      }).then(async (res) => {
        // Streams: read until the hang-up.
        for await (const _chunk of res.body ?? []) void _chunk;
      }),
    );
    await anthropic.until(ready, 30_000);
    const hungUpAt = performance.now();
    const abortedAt = new Map<number, number>();
    const watch = setInterval(() => {
      anthropic.requests.forEach((r, i) => r.aborted && !abortedAt.has(i) && abortedAt.set(i, performance.now() - hungUpAt));
    }, 5);
    for (const controller of controllers) controller.abort();
    const outcomes = await Promise.allSettled(requests);
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    await anthropic.until(() => anthropic.requests.every((r) => r.aborted), 10_000);
    clearInterval(watch);
    anthropic.requests.forEach((r, i) => r.aborted && !abortedAt.has(i) && abortedAt.set(i, performance.now() - hungUpAt));
    return { abortAllMs: Math.round(performance.now() - hungUpAt), abortMs: [...abortedAt.values()] };
  }

  it('a client hanging up while the upstream thinks aborts that upstream call, and the audit log records an abort, not an error', async () => {
    anthropic.reset();
    anthropic.mode = { kind: 'hang' };
    const executionsBefore = sampleValue(parsePrometheus(await scrapeMetrics(t.url, 'faults-client-disconnect.metrics')), 'ossa_agent_executions_total', { agent: 'support', outcome: 'aborted' }) ?? 0;
    const { abortAllMs, abortMs } = await hangUpAll('hangup', {}, () => anthropic.requests.length === CLIENTS);

    const records = (await auditRecords()).filter((r) => r.request_id.startsWith('hangup-'));
    const errors = records.filter((r) => r.event === 'llm_error') as (AuditRecord & { aborted: boolean; error_class: string })[];
    await waitFor(async () => {
      const metrics = parsePrometheus(await scrapeMetrics(t.url, 'faults-client-disconnect.metrics'));
      return (sampleValue(metrics, 'ossa_agent_executions_total', { agent: 'support', outcome: 'aborted' }) ?? 0) - executionsBefore === CLIENTS;
    });
    figures.push({
      scenario: 'hang-up-while-waiting', clients: CLIENTS, upstreamCalls: anthropic.requests.length, upstreamAborted: anthropic.requests.filter((r) => r.aborted).length,
      abortAllMs, abortP50Ms: Math.round(percentile(abortMs, 50)), abortP99Ms: Math.round(percentile(abortMs, 99)), auditedAborts: errors.filter((r) => r.aborted).length,
    });

    // Exactly one upstream call per client (an abort is no reason to retry), each one aborted.
    expect(anthropic.requests).toHaveLength(CLIENTS);
    expect(anthropic.requests.every((r) => r.aborted && !r.finished)).toBe(true);
    expect(abortAllMs).toBeLessThan(5_000);
    // Per request: one llm_request and one llm_error that says aborted.
    expect(records.filter((r) => r.event === 'llm_request')).toHaveLength(CLIENTS);
    expect(errors).toHaveLength(CLIENTS);
    expect(errors.every((r) => r.aborted)).toBe(true);
    expect(new Set(errors.map((r) => r.request_id)).size).toBe(CLIENTS);
    // The connections to the upstream went with them.
    await waitFor(() => anthropic.openSockets === 0);
  });

  it('a client hanging up mid-stream closes the upstream stream; the audit log records the abort with the tokens seen', async () => {
    anthropic.reset();
    anthropic.mode = { kind: 'reply', text: 'one two three four five six seven eight', pauseAfterDeltas: 2 };
    const { abortAllMs, abortMs } = await hangUpAll('midstream', { stream: true }, () => anthropic.requests.length === CLIENTS && anthropic.requests.every((r) => r.paused));

    const errors = (await auditRecords()).filter((r) => r.request_id.startsWith('midstream-') && r.event === 'llm_error') as (AuditRecord & { aborted: boolean; tokens_seen: number })[];
    figures.push({
      scenario: 'hang-up-mid-stream', clients: CLIENTS, upstreamCalls: anthropic.requests.length, upstreamAborted: anthropic.requests.filter((r) => r.aborted).length,
      abortAllMs, abortP50Ms: Math.round(percentile(abortMs, 50)), abortP99Ms: Math.round(percentile(abortMs, 99)), auditedAborts: errors.filter((r) => r.aborted).length,
    });

    expect(anthropic.requests).toHaveLength(CLIENTS);
    expect(anthropic.requests.every((r) => r.aborted && !r.finished)).toBe(true);
    expect(abortAllMs).toBeLessThan(5_000);
    expect(errors).toHaveLength(CLIENTS);
    expect(errors.every((r) => r.aborted && r.streamed && r.tokens_seen === 2)).toBe(true);
    await waitFor(() => anthropic.openSockets === 0);
  });
});
