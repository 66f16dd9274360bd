import { collectDefaultMetrics, Registry } from 'prom-client';

let shared: Registry | undefined;

/**
 * Node's process metrics (`process_*`, `nodejs_*`: CPU, memory, event-loop lag, GC), on a
 * registry of their own, made once per process and shared by every gateway in it. They
 * describe the process, not a gateway, and prom-client's collectors cannot be stopped (its GC
 * `PerformanceObserver` and event-loop delay monitor live as long as the process): made per
 * gateway, each `createGateway` would leave two more behind.
 */
export function processMetricsRegistry(): Registry {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
