import type { ScenarioId } from '../bench-settings.js';
import { spread, type MeasuredRow, type RunSample } from '../measure/run-sample.js';
import type { ScenarioResult } from '../scenarios/scenario.js';
import { num, signed } from './format.js';

/** One target of the issue, checked against a run. */
export interface TargetCheck {
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

/**
 * The targets of issue #6, each compared on the medians of this run (ratios against Portkey and
 * direct come from the same run and the same pinning, which is what makes them portable).
 */
export function evaluateTargets(results: readonly ScenarioResult[]): TargetCheck[] {
  const rows = (id: ScenarioId): MeasuredRow[] => results.find((r) => r.id === id)?.tables.flatMap((t) => t.rows) ?? [];
  const row = (id: ScenarioId, key: string, load?: string): MeasuredRow | undefined => rows(id).find((r) => r.key === key && (load === undefined || r.load === load));
  const median = (r: MeasuredRow | undefined, pick: Pick): number | undefined => (r ? spread(r.samples, pick)?.median : undefined);
  const checks: TargetCheck[] = [];
  const add = (area: string, target: string, measured: string | undefined, met: boolean | undefined): void => {
    checks.push({ area, target, measured: measured ?? 'not measured in this run', status: met === undefined ? 'n/a' : met ? 'met' : 'missed' });
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
