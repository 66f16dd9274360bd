import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Histogram, Registry } from 'prom-client';
import { repoPaths } from '../repo-paths.js';

// Micro-benchmark of one histogram observation as the metrics collector makes them per request
// (two labels, 15 buckets; and no labels): prom-client's `Histogram.observe` against
// `BucketHistogram` (src/observability/metrics/, compiled in dist/), and the cost of a scrape of
// each. Run:
//
//   npm run bench:build && node bench/.build/micro/histogram-observe.js

interface BucketHistogramModule {
  BucketHistogram: typeof Histogram;
}

const { root } = repoPaths();
const { BucketHistogram } = (await import(pathToFileURL(join(root, 'dist', 'observability', 'metrics', 'bucket-histogram.js')).href)) as BucketHistogramModule;

function time(fn: () => unknown, calls: number, rounds = 15): number {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    samples.push(Number(process.hrtime.bigint() - started) / calls);
  }
  return samples.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

async function timeAsync(fn: () => Promise<unknown>, calls: number, rounds = 7): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await fn();
    samples.push(Number(process.hrtime.bigint() - started) / calls);
  }
  return samples.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
const AGENTS = ['support', 'reviewer', 'triage', 'summarizer'];
const values = Array.from({ length: 1024 }, (_, i) => ((i * 7919) % 1000) / 400);

const rows: [string, string][] = [];
for (const [name, Kind] of [['prom-client Histogram', Histogram], ['BucketHistogram', BucketHistogram]] as const) {
  const registry = new Registry();
  const labelled = new Kind({ name: 'l_seconds', help: 'l', labelNames: ['agent', 'outcome'], buckets: BUCKETS, registers: [registry] });
  const bare = new Kind({ name: 'b_seconds', help: 'b', buckets: BUCKETS, registers: [registry] });
  let i = 0;
  const observeLabelled = () => {
    i = (i + 1) & 1023;
    const agent = AGENTS[i & 3]!;
    labelled.observe({ agent, outcome: 'success' }, values[i]!);
  };
  const observeBare = () => {
    i = (i + 1) & 1023;
    bare.observe(values[i]!);
  };
  for (let w = 0; w < 200_000; w++) observeLabelled(), observeBare();
  rows.push([`${name}: observe, 2 labels`, `${time(observeLabelled, 200_000).toFixed(0)} ns`]);
  rows.push([`${name}: observe, no labels`, `${time(observeBare, 200_000).toFixed(0)} ns`]);
  rows.push([`${name}: scrape of both (4 + 1 series)`, `${((await timeAsync(() => registry.metrics(), 2_000)) / 1000).toFixed(1)} µs`]);
}

console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
console.log('| case | per call |\n|---|---|');
for (const [label, value] of rows) console.log(`| ${label} | ${value} |`);
