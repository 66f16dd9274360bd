import type { RunSample } from './run-sample.js';

/** A sample as one progress line: `5270 req/s, p50 0.84 ms, ...`. */
export function describeSample(sample: RunSample): string {
  const parts = [
    `${Math.round(sample.rps)} req/s`,
    `p50 ${sample.latencyMs.p50.toFixed(2)} ms`,
    `p99 ${sample.latencyMs.p99.toFixed(2)} ms`,
    sample.cpuUsPerRequest !== undefined ? `${Math.round(sample.cpuUsPerRequest)} µs CPU/req` : undefined,
    sample.rssMiB !== undefined ? `RSS ${sample.rssMiB.toFixed(0)} MiB` : undefined,
    `upstream ${sample.upstreamCalls}/${sample.requests}`,
    sample.errors > 0 ? `${sample.errors} errors (${formatReasons(sample.errorReasons)})` : undefined,
    sample.rejected ? `${sample.rejected} x 429` : undefined,
    sample.firstTokenMs ? `TTFT p50 ${sample.firstTokenMs.p50.toFixed(2)} ms` : undefined,
  ];
  return parts.filter(Boolean).join(', ');
}

/** `timeout × 3, status 503 × 1`: the reasons, most frequent first. */
export function formatReasons(reasons: Readonly<Record<string, number>> | undefined): string {
  if (reasons === undefined) return 'no detail';
  return Object.entries(reasons)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} × ${n}`)
    .join(', ');
}
