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
    sample.errors > 0 ? `${sample.errors} errors` : undefined,
    sample.rejected ? `${sample.rejected} x 429` : undefined,
    sample.firstTokenMs ? `TTFT p50 ${sample.firstTokenMs.p50.toFixed(2)} ms` : undefined,
  ];
  return parts.filter(Boolean).join(', ');
}
