import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { aggregateWorkerMetrics } from './aggregate-worker-metrics.js';

async function workerMetrics(requests: number, breakerState: number) {
  const registry = new Registry();
  const registers = [registry];
  new Counter({ name: 'ossa_http_requests_total', help: 'h', labelNames: ['status'], registers }).inc({ status: '200' }, requests);
  new Histogram({ name: 'ossa_http_request_duration_seconds', help: 'h', buckets: [0.1, 1], registers }).observe(0.05);
  new Gauge({ name: 'ossa_circuit_breaker_state', help: 'h', labelNames: ['provider'], registers }).set({ provider: 'openai' }, breakerState);
  new Gauge({ name: 'ossa_build_info', help: 'h', labelNames: ['version'], registers }).set({ version: '1.2.3' }, 1);
  return registry.getMetricsAsJSON();
}

describe('aggregateWorkerMetrics', () => {
  it('sums counters and histograms, keeps per-worker gauges apart, and reports the build once', async () => {
    const text = await aggregateWorkerMetrics([
      { worker: 1, metrics: await workerMetrics(3, 0) },
      { worker: 2, metrics: await workerMetrics(4, 2) },
    ]);
    expect(text).toContain('ossa_http_requests_total{status="200"} 7');
    expect(text).toContain('ossa_http_request_duration_seconds_count 2');
    expect(text).toContain('ossa_http_request_duration_seconds_bucket{le="0.1"} 2');
    expect(text).toContain('ossa_circuit_breaker_state{provider="openai",worker="1"} 0');
    expect(text).toContain('ossa_circuit_breaker_state{provider="openai",worker="2"} 2');
    expect(text).toContain('ossa_build_info{version="1.2.3"} 1');
  });
});
