/** Latency percentiles, in milliseconds. */
export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  readonly count: number;
}

/** Nearest-rank percentiles of `values` (sorted in place); zeros when there are none. */
export function percentiles(values: Float64Array): Percentiles {
  const count = values.length;
  if (count === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0, count: 0 };
  values.sort();
  const rank = (p: number): number => values[Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1))]!;
  let sum = 0;
  for (const value of values) sum += value;
  return { p50: rank(50), p90: rank(90), p99: rank(99), max: values[count - 1]!, mean: sum / count, count };
}
