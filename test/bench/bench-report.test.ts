import { describe, expect, it } from 'vitest';
import { parseBenchSettings } from '../../bench/bench-settings.js';
import { spread, upstreamHolds, type MeasuredRow, type RunSample } from '../../bench/measure/run-sample.js';
import type { MachineInfo } from '../../bench/report/machine.js';
import { renderReport } from '../../bench/report/markdown-report.js';
import { evaluateTargets } from '../../bench/report/targets.js';
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
    const checks = evaluateTargets([cacheMiss(3_000, 570)]);
    const find = (target: string): string | undefined => checks.find((c) => c.target.startsWith(target))?.status;
    expect(find('≥ 5× Portkey')).toBe('met');
    expect(find('≤ 1/5 of Portkey')).toBe('met');
    expect(find('stretch')).toBe('missed');
    expect(find('RSS after load')).toBe('met');
    expect(find('≥ 8,000 req/s')).toBe('n/a');
    expect(checks.find((c) => c.target.startsWith('≥ 5× Portkey'))?.measured).toBe('3,000 vs 570 req/s (5.3×)');
  });

  it('are missed when the ratio falls short, and n/a without Portkey', () => {
    expect(evaluateTargets([cacheMiss(2_000, 570)]).find((c) => c.target.startsWith('≥ 5× Portkey'))?.status).toBe('missed');
    const withoutPortkey = cacheMiss(3_000, 570);
    withoutPortkey.tables[0] = { ...withoutPortkey.tables[0]!, rows: withoutPortkey.tables[0]!.rows.filter((r) => r.key !== 'portkey') };
    expect(evaluateTargets([withoutPortkey]).find((c) => c.target.startsWith('≥ 5× Portkey'))?.status).toBe('n/a');
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
    expect(markdown).toContain('| gateway | c64 | 3,000 (2,900–3,100) |');
    expect(markdown).toContain('- Skipped ossa-gateway (memory store): the response cache is not active.');
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
