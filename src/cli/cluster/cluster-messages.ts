import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/** One worker's metrics as `Registry.getMetricsAsJSON()` gives them: the gateway's and the process's. */
export type WorkerMetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** What a `serve --workers` worker tells the primary over the cluster's IPC channel. */
export type WorkerToPrimary =
  /** The worker listens, at `url`. */
  | { readonly type: 'ossa:listening'; readonly url: string }
  /** A scraper asked this worker for `/metrics`: the primary gathers every worker's. */
  | { readonly type: 'ossa:metrics:ask'; readonly id: number }
  /** This worker's own metrics, for the primary's collection `id`. */
  | { readonly type: 'ossa:metrics:report'; readonly id: number; readonly metrics: WorkerMetricsJson };

/** What the primary sends a worker. */
export type PrimaryToWorker =
  | { readonly type: 'ossa:metrics:collect'; readonly id: number }
  /** Every worker's metrics summed (`body`, exposition text), or why not (`error`). */
  | { readonly type: 'ossa:metrics:answer'; readonly id: number; readonly body?: string; readonly error?: string };

/** Environment variables the primary gives a worker. */
export const WORKER_ENV = {
  /** 1 to N, kept by a replacement: the `worker` label of per-worker metrics. */
  index: 'OSSA_WORKER_INDEX',
  /** How many workers run (for the per-process checks and the log). */
  count: 'OSSA_WORKERS',
} as const;

/** A message of ours (others on the channel, prom-client's or Node's own, are ignored). */
export function isClusterMessage<T extends { type: string }>(value: unknown): value is T {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && (value as { type: string }).type.startsWith('ossa:');
}
