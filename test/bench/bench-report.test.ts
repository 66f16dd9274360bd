import { describe, expect, it } from 'vitest';
import { parseBenchSettings } from '../../bench/bench-settings.js';
import { spread, upstreamHolds, type MeasuredRow, type RunSample } from '../../bench/measure/run-sample.js';
import type { MachineInfo } from '../../bench/report/machine.js';
import { renderReport } from '../../bench/report/markdown-report.js';
import { evaluateTargets, targetStatusCell, type TargetCheck } from '../../bench/report/targets.js';
import { newResult, type ScenarioResult } from '../../bench/scenarios/scenario.js';

const sample = (overrides: Partial<RunSample> = {}): RunSample => ({
  requests: 1000,
  rps: 1000,
  latencyMs: { p50: 1, p90: 2, p99: 3, max: 4 },
  errors: 0,
  upstreamCalls: 1000,
  ...overrides,
});

const row = (key: string, load: string, samples: RunSample[], upstream: MeasuredRow['upstream'] = 'every-request'): MeasuredRow => ({
  key,
  label: key,
  load,
  loop: load.startsWith('c') ? 'closed' : 'open',
  samples,
  upstream,
});

function cacheMiss(gatewayRps: number, portkeyRps: number): ScenarioResult {
  const result = newResult('cache-miss', 'cache miss', 'method');
  result.tables.push({
    title: 't',
    kind: 'closed',
    rows: [
      row('direct', 'c64', [sample({ rps: 9_600 })]),
      row('gateway', 'c64', [sample({ rps: gatewayRps - 100, cpuUsPerRequest: 190, rssMiB: 80 }), sample({ rps: gatewayRps, cpuUsPerRequest: 180, rssMiB: 82 }), sample({ rps: gatewayRps + 100, cpuUsPerRequest: 170, rssMiB: 81 })]),
      row('portkey', 'c64', [sample({ rps: portkeyRps, cpuUsPerRequest: 1_800, rssMiB: 146 })]),
    ],
  });
  return result;
}

describe('spread', () => {
  it('is the median with min and max, ignoring samples without the metric', () => {
    expect(spread([sample({ rps: 3 }), sample({ rps: 1 }), sample({ rps: 2 })], (s) => s.rps)).toEqual({ median: 2, min: 1, max: 3 });
    expect(spread([sample({ rps: 1 }), sample({ rps: 4 })], (s) => s.rps)?.median).toBe(2.5);
    expect(spread([sample()], (s) => s.cpuUsPerRequest)).toBeUndefined();
  });
});

describe('the upstream check', () => {
  it('wants every answer upstream for misses, and nothing upstream for hits and 429s', () => {
    expect(upstreamHolds(row('gateway', 'c64', [sample({ upstreamCalls: 1016 })]))).toBe(true);
    expect(upstreamHolds(row('gateway', 'c64', [sample({ upstreamCalls: 400 })]))).toBe(false);
    expect(upstreamHolds(row('gateway-memory', 'c64', [sample({ upstreamCalls: 0, rejected: 1000 })], 'none'))).toBe(true);
    expect(upstreamHolds(row('gateway-memory', 'c64', [sample({ upstreamCalls: 3 })], 'none'))).toBe(false);
  });
});

describe('the targets', () => {
  it('compare the gateway with Portkey and direct on the medians of the same run', () => {
    const checks = evaluateTargets([cacheMiss(3_000, 570)]).filter((c) => c.issue === 6);
    const find = (target: string): string | undefined => checks.find((c) => c.target.startsWith(target))?.status;
    expect(find('≥ 5× Portkey')).toBe('met');
    expect(find('≤ 1/5 of Portkey')).toBe('met');
    expect(find('stretch')).toBe('missed');
    expect(find('RSS after load')).toBe('met');
    expect(find('≥ 8,000 req/s')).toBe('n/a');
    expect(checks.find((c) => c.target.startsWith('≥ 5× Portkey'))?.measured).toBe('3,000 vs 570 req/s (5.3×)');
  });

  it('are missed when the ratio falls short, and n/a without Portkey', () => {
    const portkeyTargets = (results: ScenarioResult[]): TargetCheck[] => evaluateTargets(results).filter((c) => c.target.startsWith('≥ 5× Portkey'));
    expect(portkeyTargets([cacheMiss(2_000, 570)]).map((c) => c.status)).toEqual(['missed', 'missed']);
    const withoutPortkey = cacheMiss(3_000, 570);
    withoutPortkey.tables[0] = { ...withoutPortkey.tables[0]!, rows: withoutPortkey.tables[0]!.rows.filter((r) => r.key !== 'portkey') };
    expect(portkeyTargets([withoutPortkey]).map((c) => c.status)).toEqual(['n/a', 'n/a']);
  });
});

/** A closed-loop scenario's one table with these rows. */
function scenario(id: ScenarioResult['id'], rows: MeasuredRow[]): ScenarioResult {
  const result = newResult(id, id, 'method');
  result.tables.push({ title: 't', kind: 'closed', rows });
  return result;
}

/** The fixed-rate table: direct and the gateway at 200 req/s, with these p50 and p99. */
function fixedRate(direct: [number, number], gateway: [number, number]): ScenarioResult {
  const result = newResult('fixed-rate', 'fixed rate', 'method');
  const at = ([p50, p99]: [number, number]): RunSample => sample({ rps: 200, latencyMs: { p50, p90: p50, p99, max: p99 } });
  result.tables.push({ title: 't', kind: 'open', baselineKey: 'direct', rows: [row('direct', '200 req/s', [at(direct)]), row('gateway', '200 req/s', [at(gateway)])] });
  return result;
}

describe('the issue #12 targets', () => {
  const issue12 = (results: ScenarioResult[]): TargetCheck[] => evaluateTargets(results).filter((c) => c.issue === 12);
  const check = (results: ScenarioResult[], target: string): TargetCheck | undefined => issue12(results).find((c) => c.target.startsWith(target));

  it("put the cache miss at c64 against the bare proxy's req/s, with both CPU costs beside it", () => {
    const miss = (gatewayRps: number): ScenarioResult =>
      scenario('cache-miss', [
        row('bare-proxy', 'c16', [sample({ rps: 99_000 })]),
        row('bare-proxy', 'c64', [sample({ rps: 6_000, cpuUsPerRequest: 160, rssMiB: 60 })]),
        row('gateway', 'c64', [sample({ rps: gatewayRps, cpuUsPerRequest: 330, rssMiB: 120 })]),
      ]);
    const met = check([miss(3_000)], '≥ 0.5 × the req/s of a bare Fastify + undici proxy');
    expect(met).toMatchObject({ area: 'Cache miss, full pipeline (c64)', status: 'met', measured: '3,000 vs 6,000 req/s (0.50×); CPU 330 vs 160 µs/req' });
    expect(check([miss(2_999)], '≥ 0.5 ×')?.status).toBe('missed');
    expect(check([miss(3_000)], 'RSS after the cache-miss load ≤ 150 MiB')).toMatchObject({ status: 'met', measured: '120.0 MiB (bare proxy 60.0 MiB)' });
  });

  it('put the cache hit and the 429 of the memory store against the Map route at c64, at 0.7', () => {
    const closed = (id: 'cache-hit' | 'rate-limit', gatewayRps: number): ScenarioResult =>
      scenario(id, [
        row('map-route', 'c64', [sample({ rps: 10_000, cpuUsPerRequest: 95 })], 'none'),
        row('gateway-memory', 'c64', [sample({ rps: gatewayRps, cpuUsPerRequest: 130 })], 'none'),
        // The Redis store is not compared with an in-memory Map.
        row('gateway-redis', 'c64', [sample({ rps: 1_000 })], 'none'),
      ]);
    const checks = issue12([closed('cache-hit', 7_000), closed('rate-limit', 6_900)]).filter((c) => c.target.includes('Map'));
    expect(checks.map((c) => [c.area, c.status])).toEqual([
      ['Cache hit, memory store (c64)', 'met'],
      ['429 rejection, memory store (c64)', 'missed'],
    ]);
    expect(checks[0]?.measured).toBe('7,000 vs 10,000 req/s (0.70×); CPU 130 vs 95 µs/req');
  });

  it('hold the added latency at the fixed rate to +1 ms at p50 and +5 ms at p99 over direct', () => {
    const added = (gateway: [number, number]): (string | undefined)[] => issue12([fixedRate([50.2, 52], gateway)]).filter((c) => c.target.startsWith('added')).map((c) => `${c.measured} ${c.status}`);
    expect(added([51.1, 56.9])).toEqual(['+0.90 ms met', '+4.90 ms met']);
    expect(added([51.4, 57.5])).toEqual(['+1.20 ms missed', '+5.50 ms missed']);
  });

  it('are n/a, saying so, for what the run did not measure (no baseline row, no Portkey, no fixed rate)', () => {
    const checks = issue12([scenario('cache-miss', [row('gateway', 'c64', [sample({ rps: 3_000 })])])]);
    expect(checks.filter((c) => c.target.startsWith('RSS')).map((c) => c.status)).toEqual(['n/a']);
    for (const c of checks) expect(c.status).toBe('n/a');
    expect(checks.find((c) => c.target.startsWith('≥ 0.5 ×'))?.measured).toBe('not measured in this run');
  });

  it('are labelled as measuring nothing in quick mode, met or missed', () => {
    expect(targetStatusCell('met', 'full')).toBe('✅ met');
    expect(targetStatusCell('missed', 'quick')).toBe('❌ missed (quick mode: not a measurement)');
    expect(targetStatusCell('n/a', 'quick')).toBe('n/a');
  });
});

describe('the markdown report', () => {
  const machine: MachineInfo = { date: '2026-01-01T00:00:00Z', cpu: 'cpu', cores: 2, memoryGiB: 24, os: 'Debian', kernel: 'linux', node: 'v20', wrk: 'wrk 4.1.0', commit: 'abc', pinning: 'cpu 0 / cpu 1', portkey: '1.15.2' };
  const settings = parseBenchSettings([])!;

  it('has the machine, the command, the targets, a table per scenario and the skips with their reasons', () => {
    const skipped = newResult('cache-hit', 'Scenario 4: cache hit', 'method');
    skipped.skipped.push({ what: 'ossa-gateway (memory store)', reason: 'the response cache is not active' });
    const markdown = renderReport({ machine, settings, command: 'npm run bench', results: [cacheMiss(3_000, 570), skipped], targets: evaluateTargets([cacheMiss(3_000, 570)]), resultsDir: 'bench/results/x' });
    expect(markdown).toContain('| CPU | cpu, 2 cores |');
    expect(markdown).toContain('npm run bench');
    expect(markdown).toContain('| Cache miss (c64) | ≥ 5× Portkey\'s req/s | 3,000 vs 570 req/s (5.3×) | ✅ met |');
    expect(markdown.indexOf('## Targets (issue #12: against the bare baselines)')).toBeLessThan(markdown.indexOf('## Targets (issue #6)'));
    expect(markdown).toContain("| Cache miss, full pipeline (c64) | ≥ 5× Portkey's req/s | 3,000 vs 570 req/s (5.3×); CPU 180 vs 1,800 µs/req | ✅ met |");
    expect(markdown).not.toContain('quick mode: not a measurement');
    expect(markdown).toContain('| gateway | c64 | 3,000 (2,900–3,100) |');
    expect(markdown).toContain('- Skipped ossa-gateway (memory store): the response cache is not active.');
  });

  it('says in quick mode that the target statuses measure nothing', () => {
    const quick = parseBenchSettings(['--quick'])!;
    const markdown = renderReport({ machine, settings: quick, command: 'npm run bench:quick', results: [cacheMiss(3_000, 570)], targets: evaluateTargets([cacheMiss(3_000, 570)]), resultsDir: 'r' });
    expect(markdown).toContain('> Quick mode: the statuses below are computed as a full run computes them, on 1 × 1 s rows after 0 s of warm-up; they measure nothing.');
    expect(markdown).toContain('| 3,000 vs 570 req/s (5.3×) | ✅ met (quick mode: not a measurement) |');
  });

  it('keeps the hand-written Reading and Profiles sections of the report it replaces', () => {
    const first = renderReport({ machine, settings, command: 'npm run bench', results: [], targets: [], resultsDir: 'r' });
    const edited = first.replace(/<!-- reading:start -->\n[\s\S]*?\n<!-- reading:end -->/, '<!-- reading:start -->\nCache hits are bound by JSON serialization.\n<!-- reading:end -->');
    const second = renderReport({ machine, settings, command: 'npm run bench', results: [], targets: [], resultsDir: 'r' }, edited);
    expect(second).toContain('Cache hits are bound by JSON serialization.');
    expect(second).toContain('<!-- profiles:start -->\n_Not recorded yet.');
  });
});

describe('the harness settings', () => {
  it('default to the full run: 3 x 10 s after 5 s, c16 and c64, Portkey, no soak', () => {
    const settings = parseBenchSettings([])!;
    expect(settings).toMatchObject({ mode: 'full', repetitions: 3, durationS: 10, warmupS: 5, concurrencies: [16, 64], portkey: true });
    expect(settings.scenarios.has('soak')).toBe(false);
    expect(settings.scenarios.has('streaming')).toBe(true);
  });

  it('quick: one short repetition without Portkey; --soak and --only pick scenarios', () => {
    expect(parseBenchSettings(['--quick'])).toMatchObject({ mode: 'quick', repetitions: 1, durationS: 1, portkey: false });
    expect([...parseBenchSettings(['--only', 'cache-hit,rate-limit', '--soak'])!.scenarios]).toEqual(['cache-hit', 'rate-limit', 'soak']);
    expect(() => parseBenchSettings(['--only', 'cache-hitt'])).toThrow(/unknown scenario cache-hitt/);
    expect(parseBenchSettings(['--help'])).toBeUndefined();
  });
});
