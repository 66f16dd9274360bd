import { AggregatorRegistry, type Aggregator } from 'prom-client';
import type { WorkerMetricsJson } from './cluster-messages.js';

/**
 * Gauges that describe one worker, not the gateway: each worker's circuit breakers are its own
 * and the rate limiter's "tokens left after the last decision" is that worker's last decision.
 * They keep one series per worker, with a `worker` label (1 to N).
 */
const PER_WORKER = new Set(['ossa_circuit_breaker_state', 'ossa_rate_limit_remaining']);

/**
 * Gauges whose sum means nothing: the build (`first`), and values every worker reads from the
 * same place (plain-text keys in the one config, budgets in the one Redis), of which the
 * largest is the latest worker's reading (`max`). Everything else is summed: counters,
 * histograms, and prom-client's own choices for the `process_*` / `nodejs_*` metrics.
 */
const AGGREGATORS: Readonly<Record<string, Aggregator>> = {
  ossa_build_info: 'first',
  ossa_security_plaintext_keys_detected: 'max',
  ossa_budget_spent: 'max',
  ossa_budget_held: 'max',
  ossa_budget_limit: 'max',
};

/** One worker's report: its index (1 to N) and its metrics. */
export interface WorkerReport {
  readonly worker: number;
  readonly metrics: WorkerMetricsJson;
}

/**
 * The exposition text of every worker's metrics together, as one process would report them
 * (prom-client's `AggregatorRegistry.aggregate`), except the `PER_WORKER` gauges.
 *
 * @example
 * const body = await aggregateWorkerMetrics([{ worker: 1, metrics: a }, { worker: 2, metrics: b }]);
 */
export async function aggregateWorkerMetrics(reports: readonly WorkerReport[]): Promise<string> {
  const perWorker = reports.map(({ worker, metrics }) =>
    metrics.map((metric) => {
      const aggregator = AGGREGATORS[metric.name] ?? metric.aggregator;
      if (!PER_WORKER.has(metric.name)) return { ...metric, aggregator };
      return { ...metric, aggregator, values: metric.values.map((value) => ({ ...value, labels: { ...value.labels, worker: String(worker) } })) };
    }),
  );
  return AggregatorRegistry.aggregate(perWorker).metrics();
}
