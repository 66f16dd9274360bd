import { readFileSync } from 'node:fs';
import { parsePrometheus, sampleValue } from './prometheus-text.js';

/** What a running gateway process holds at one moment: memory, handles, event-loop lag. */
export interface ResourceSample {
  /** Resident set size, from /proc/<pid>/status (what the kernel charges the process). */
  readonly rssBytes: number;
  /** V8 heap in use (`nodejs_heap_size_used_bytes`). */
  readonly heapUsedBytes: number;
  /** V8 heap committed (`nodejs_heap_size_total_bytes`): part of RSS, sized by V8's GC heuristics. */
  readonly heapTotalBytes: number;
  /** Handles and requests libuv keeps alive: sockets, timers, file operations (`nodejs_active_*_total`). */
  readonly activeHandles: number;
  readonly activeRequests: number;
  /** Event-loop delay p99 since the previous scrape (prom-client resets its histogram on each). */
  readonly lagP99Seconds: number;
}

/**
 * Samples the gateway process `pid` through `/proc` and its own `GET /metrics` (Node's default
 * process metrics). Returns the sample and the metrics text (for the artifacts).
 *
 * @example
 * const { sample, metricsText } = await sampleGatewayResources(server.child.pid!, server.url, { authorization: 'Bearer ...' });
 */
export async function sampleGatewayResources(pid: number, url: string, headers: Readonly<Record<string, string>>): Promise<{ sample: ResourceSample; metricsText: string }> {
  const res = await fetch(`${url}/metrics`, { headers });
  const metricsText = await res.text();
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${metricsText.slice(0, 200)}`);
  const samples = parsePrometheus(metricsText);
  const metric = (name: string): number => {
    const value = sampleValue(samples, name);
    if (value === undefined) throw new Error(`/metrics has no ${name}`);
    return value;
  };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (rssKb === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return {
    metricsText,
    sample: {
      rssBytes: Number(rssKb) * 1024,
      heapUsedBytes: metric('nodejs_heap_size_used_bytes'),
      heapTotalBytes: metric('nodejs_heap_size_total_bytes'),
      activeHandles: metric('nodejs_active_handles_total'),
      activeRequests: metric('nodejs_active_requests_total'),
      lagP99Seconds: metric('nodejs_eventloop_lag_p99_seconds'),
    },
  };
}
