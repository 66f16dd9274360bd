import type { ScenarioId } from '../bench-settings.js';
import { spread, type MeasuredRow, type RunSample } from '../measure/run-sample.js';
import type { ScenarioResult } from '../scenarios/scenario.js';
import { num, signed } from './format.js';

/** The issue a target comes from: #6 set the first targets, #12 the ratios against the bare baselines. */
export type TargetIssue = 6 | 12;

/** One target of an issue, checked against a run. */
export interface TargetCheck {
  readonly issue: TargetIssue;
  readonly area: string;
  readonly target: string;
  readonly measured: string;
  /** `n/a` when the run did not measure what the target needs (skipped, not run, no Portkey). */
  readonly status: 'met' | 'missed' | 'n/a';
}

type Pick = (sample: RunSample) => number | undefined;

const rps: Pick = (s) => s.rps;
const cpu: Pick = (s) => s.cpuUsPerRequest;
const rss: Pick = (s) => s.rssMiB;
const p50: Pick = (s) => s.latencyMs.p50;
const p99: Pick = (s) => s.latencyMs.p99;
const ttft50: Pick = (s) => s.firstTokenMs?.p50;

/** The baseline rows the issue #12 ratios divide by (bench/scenarios/baseline-rows.ts). */
const BARE_PROXY = 'bare-proxy';
const MAP_ROUTE = 'map-route';
/** Where the issue #12 ratios are taken: the higher concurrency, where the server's core is saturated. */
const RATIO_LOAD = 'c64';

/**
 * The targets of issues #6 and #12, each compared on the medians of this run (ratios against
 * Portkey, direct and the bare baselines come from the same run and the same pinning, which is
 * what makes them portable).
 */
export function evaluateTargets(results: readonly ScenarioResult[]): TargetCheck[] {
  return [...issue12Targets(results), ...issue6Targets(results)];
}

/** `status` as a table cell; in quick mode, said to measure nothing whatever it is. */
export function targetStatusCell(status: TargetCheck['status'], mode: 'full' | 'quick'): string {
  const cell = status === 'met' ? '✅ met' : status === 'missed' ? '❌ missed' : 'n/a';
  return mode === 'quick' && status !== 'n/a' ? `${cell} (quick mode: not a measurement)` : cell;
}

/** A table's rows and medians, looked up by scenario, row key and load. */
function lookup(results: readonly ScenarioResult[]): {
  rows: (id: ScenarioId) => MeasuredRow[];
  row: (id: ScenarioId, key: string, load?: string) => MeasuredRow | undefined;
  median: (r: MeasuredRow | undefined, pick: Pick) => number | undefined;
} {
  const rows = (id: ScenarioId): MeasuredRow[] => results.find((r) => r.id === id)?.tables.flatMap((t) => t.rows) ?? [];
  return {
    rows,
    row: (id, key, load) => rows(id).find((r) => r.key === key && (load === undefined || r.load === load)),
    median: (r, pick) => (r ? spread(r.samples, pick)?.median : undefined),
  };
}

/**
 * Issue #12: the full pipeline against a bare Fastify server doing the same job with no layers
 * (a bare undici proxy for the cache miss, a route answering from a Map for the cache hit and
 * the 429), at c64 on the same core; the added latency at a steady rate; RSS after load.
 */
function issue12Targets(results: readonly ScenarioResult[]): TargetCheck[] {
  const { rows, row, median } = lookup(results);
  const checks: TargetCheck[] = [];
  const add = (area: string, target: string, measured: string | undefined, met: boolean | undefined): void => {
    checks.push({ issue: 12, area, target, measured: measured ?? 'not measured in this run', status: met === undefined ? 'n/a' : met ? 'met' : 'missed' });
  };
  const cpuNote = (a: MeasuredRow | undefined, b: MeasuredRow | undefined): string => {
    const [cpuA, cpuB] = [median(a, cpu), median(b, cpu)];
    return cpuA === undefined || cpuB === undefined ? '' : `; CPU ${num(cpuA)} vs ${num(cpuB)} µs/req`;
  };
  /** The gateway's req/s as a fraction of the baseline's, with both CPU costs beside it. */
  const ratio = (area: string, id: ScenarioId, gatewayKey: string, baselineKey: string, baselineName: string, goal: number): void => {
    const gateway = row(id, gatewayKey, RATIO_LOAD);
    const baseline = row(id, baselineKey, RATIO_LOAD);
    const [a, b] = [median(gateway, rps), median(baseline, rps)];
    add(
      `${area} (${RATIO_LOAD})`,
      `≥ ${num(goal, 1)} × the req/s of ${baselineName}`,
      both(a, b, (x, y) => `${num(x)} vs ${num(y)} req/s (${num(x / y, 2)}×)${cpuNote(gateway, baseline)}`),
      both(a, b, (x, y) => x >= goal * y),
    );
  };

  ratio('Cache miss, full pipeline', 'cache-miss', 'gateway', BARE_PROXY, 'a bare Fastify + undici proxy', 0.5);
  const gw = row('cache-miss', 'gateway', RATIO_LOAD);
  const pk = row('cache-miss', 'portkey', RATIO_LOAD);
  const [gwRps, pkRps] = [median(gw, rps), median(pk, rps)];
  add(
    `Cache miss, full pipeline (${RATIO_LOAD})`,
    "≥ 5× Portkey's req/s",
    both(gwRps, pkRps, (a, b) => `${num(a)} vs ${num(b)} req/s (${num(a / b, 1)}×)${cpuNote(gw, pk)}`),
    both(gwRps, pkRps, (a, b) => a >= 5 * b),
  );
  ratio('Cache hit, memory store', 'cache-hit', 'gateway-memory', MAP_ROUTE, 'a bare Fastify route answering from a Map', 0.7);
  ratio('429 rejection, memory store', 'rate-limit', 'gateway-memory', MAP_ROUTE, 'a bare Fastify route answering from a Map', 0.7);

  const fixed = results.find((r) => r.id === 'fixed-rate')?.tables[0]?.rows[0]?.load;
  const area = `Fixed rate (${fixed ?? '200 req/s'}, mock 50 ms)`;
  const fDirect = row('fixed-rate', 'direct');
  const fGw = row('fixed-rate', 'gateway');
  for (const [name, pick, goal] of [['p50', p50, 1], ['p99', p99, 5]] as const) {
    const added = difference(median(fGw, pick), median(fDirect, pick));
    add(area, `added ${name} ≤ +${num(goal)} ms over direct`, added === undefined ? undefined : `${signed(added)} ms`, added === undefined ? undefined : added <= goal);
  }

  const gwRss = maxOf(rows('cache-miss').filter((r) => r.key === 'gateway').map((r) => median(r, rss)));
  const proxyRss = maxOf(rows('cache-miss').filter((r) => r.key === BARE_PROXY).map((r) => median(r, rss)));
  add(
    'Memory',
    'RSS after the cache-miss load ≤ 150 MiB',
    gwRss === undefined ? undefined : `${num(gwRss, 1)} MiB${proxyRss === undefined ? '' : ` (bare proxy ${num(proxyRss, 1)} MiB)`}`,
    gwRss === undefined ? undefined : gwRss <= 150,
  );
  return checks;
}

/** Issue #6: the first targets, against Portkey, direct and absolute figures. */
function issue6Targets(results: readonly ScenarioResult[]): TargetCheck[] {
  const { rows, row, median } = lookup(results);
  const checks: TargetCheck[] = [];
  const add = (area: string, target: string, measured: string | undefined, met: boolean | undefined): void => {
    checks.push({ issue: 6, area, target, measured: measured ?? 'not measured in this run', status: met === undefined ? 'n/a' : met ? 'met' : 'missed' });
  };

  // Cache miss, c64, mock at 0 ms.
  const gw = row('cache-miss', 'gateway', 'c64');
  const pk = row('cache-miss', 'portkey', 'c64');
  const direct = row('cache-miss', 'direct', 'c64');
  const [gwRps, pkRps, directRps] = [median(gw, rps), median(pk, rps), median(direct, rps)];
  add('Cache miss (c64)', '≥ 5× Portkey\'s req/s', both(gwRps, pkRps, (a, b) => `${num(a)} vs ${num(b)} req/s (${num(a / b, 1)}×)`), both(gwRps, pkRps, (a, b) => a >= 5 * b));
  const [gwCpu, pkCpu] = [median(gw, cpu), median(pk, cpu)];
  add('Cache miss (c64)', '≤ 1/5 of Portkey\'s CPU µs per request', both(gwCpu, pkCpu, (a, b) => `${num(a)} vs ${num(b)} µs (${num(b / a, 1)}× less)`), both(gwCpu, pkCpu, (a, b) => a * 5 <= b));
  add('Cache miss (c64)', 'stretch: ≥ half of direct\'s req/s', both(gwRps, directRps, (a, b) => `${num(a)} vs ${num(b)} req/s (${num((a / b) * 100)} %)`), both(gwRps, directRps, (a, b) => a * 2 >= b));

  // Fixed rate: added latency over direct.
  const fixed = results.find((r) => r.id === 'fixed-rate')?.tables[0];
  const fixedLoad = fixed?.rows[0]?.load;
  const fGw = row('fixed-rate', 'gateway');
  const fDirect = row('fixed-rate', 'direct');
  const addedP50 = difference(median(fGw, p50), median(fDirect, p50));
  const addedP99 = difference(median(fGw, p99), median(fDirect, p99));
  const pkAdded = (pick: Pick): string => {
    const added = difference(median(row('fixed-rate', 'portkey'), pick), median(fDirect, pick));
    return added === undefined ? '' : ` (Portkey ${signed(added)} ms)`;
  };
  add(`Fixed rate (${fixedLoad ?? '200 req/s'}, mock 50 ms)`, 'added p50 ≤ 0.5 ms', addedP50 === undefined ? undefined : `${signed(addedP50)} ms${pkAdded(p50)}`, addedP50 === undefined ? undefined : addedP50 <= 0.5);
  add(`Fixed rate (${fixedLoad ?? '200 req/s'}, mock 50 ms)`, 'added p99 ≤ 2 ms', addedP99 === undefined ? undefined : `${signed(addedP99)} ms${pkAdded(p99)}`, addedP99 === undefined ? undefined : addedP99 <= 2);

  // Streaming: added time to first token.
  const sDirect = row('streaming', 'direct');
  const pkTtft = difference(median(row('streaming', 'portkey'), ttft50), median(sDirect, ttft50));
  for (const [key, label] of [['gateway-execute', '/execute'], ['gateway-chat', '/chat/completions']] as const) {
    const added = difference(median(row('streaming', key), ttft50), median(sDirect, ttft50));
    add(`Streaming ${label}`, 'added time to first token p50 ≤ 1 ms', added === undefined ? undefined : `${signed(added)} ms${pkTtft === undefined ? '' : ` (Portkey ${signed(pkTtft)} ms)`}`, added === undefined ? undefined : added <= 1);
  }

  // Cache hit and 429: throughput at the best concurrency, p99 at c16.
  const best = (id: ScenarioId, key: string): { value: number; load: string } | undefined =>
    rows(id)
      .filter((r) => r.key === key)
      .map((r) => ({ value: median(r, rps) ?? 0, load: r.load }))
      .sort((a, b) => b.value - a.value)[0];
  const throughput = (area: string, id: ScenarioId, key: string, goal: number): void => {
    const found = best(id, key);
    add(area, `≥ ${num(goal)} req/s`, found ? `${num(found.value)} req/s (${found.load})` : undefined, found ? found.value >= goal : undefined);
  };
  throughput('Cache hit, memory', 'cache-hit', 'gateway-memory', 8_000);
  throughput('Cache hit, Redis', 'cache-hit', 'gateway-redis', 5_000);
  for (const [key, area] of [['gateway-memory', 'Cache hit, memory'], ['gateway-redis', 'Cache hit, Redis']] as const) {
    const value = median(row('cache-hit', key, 'c16'), p99);
    add(area, 'p99 < 5 ms at c16', value === undefined ? undefined : `${num(value, 2)} ms`, value === undefined ? undefined : value < 5);
  }
  throughput('429 rejection, memory', 'rate-limit', 'gateway-memory', 10_000);
  throughput('429 rejection, Redis', 'rate-limit', 'gateway-redis', 5_000);

  // Memory: RSS after the cache-miss load (the highest of its rows), and the soak.
  const gwRss = maxOf(rows('cache-miss').filter((r) => r.key === 'gateway').map((r) => median(r, rss)));
  const pkRss = maxOf(rows('cache-miss').filter((r) => r.key === 'portkey').map((r) => median(r, rss)));
  add('Memory', 'RSS after load ≤ 100 MiB', gwRss === undefined ? undefined : `${num(gwRss, 1)} MiB${pkRss === undefined ? '' : ` (Portkey ${num(pkRss, 1)} MiB)`}`, gwRss === undefined ? undefined : gwRss <= 100);
  const soak = results.find((r) => r.id === 'soak')?.soak;
  add(
    'Memory soak',
    'RSS growth < 10 % after the first minute',
    soak ? `${signed(soak.growthPercent, 1)} % (${num(soak.rssAtBaselineMiB, 1)} → ${num(soak.rssAtEndMiB, 1)} MiB over ${num(soak.durationS)} s at ${num(soak.rate)} req/s)` : 'run with --soak',
    soak ? soak.growthPercent < 10 : undefined,
  );

  // Every core: serve --workers 2 against one process, both on Redis, same run.
  const [oneWorker, twoWorkers] = [median(row('workers', 'gateway-1-worker', 'c64'), rps), median(row('workers', 'gateway-2-worker', 'c64'), rps)];
  add('Every core (cache miss, c64)', '--workers 2 ≥ 1.7× one process\'s req/s', both(twoWorkers, oneWorker, (a, b) => `${num(a)} vs ${num(b)} req/s (${num(a / b, 2)}×)`), both(twoWorkers, oneWorker, (a, b) => a >= 1.7 * b));
  return checks;
}

function both<T>(a: number | undefined, b: number | undefined, f: (a: number, b: number) => T): T | undefined {
  return a === undefined || b === undefined || b === 0 || a === 0 ? undefined : f(a, b);
}

function difference(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a - b;
}

function maxOf(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
}
