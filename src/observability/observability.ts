import type { Logger } from 'pino';
import type { OssaConfig } from '../config/ossa-config.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import { GATEWAY_VERSION } from './gateway-version.js';
import { LabelGuard } from './label-guard.js';
import { MetricsCollector, type BreakerReading } from './metrics/metrics-collector.js';
import { LiveStatus } from './status/live-status.js';
import { startOtlpTracing, type TraceExport } from './tracing/otlp-tracing.js';
import { UpstreamTimeLedger } from './upstream-time-ledger.js';

/** Everything one gateway observes with: metrics, live status, upstream time, traces. */
export interface Observability {
  /** Absent when `observability.metrics: false`: nothing is counted and `/metrics` is not served. */
  readonly collector?: MetricsCollector;
  readonly status: LiveStatus;
  /** Credited with each upstream attempt's wall time by the `tracing()` layer. */
  readonly upstreamTime: UpstreamTimeLedger;
  /** Where spans are exported, once `exportTraces()` started it (`observability.otlp_endpoint`). */
  readonly traceExport: TraceExport | undefined;
  /** Starts the OTLP export when `observability.otlp_endpoint` is set (the SDK is imported only then). */
  exportTraces(): Promise<void>;
  /** Called once the providers are built: breaker gauges start at "closed" for each, and their failure counts are read at scrape time. */
  providersBuilt(breakers: ReadonlyMap<string, BreakerReading>): void;
  /** Unsubscribes and flushes the trace export. */
  close(): Promise<void>;
}

/** The inputs of `createObservability`, all known before the providers are built. */
export interface ObservabilityOptions {
  readonly config: OssaConfig;
  readonly logger: Logger;
  readonly events: EventDispatcher;
  /** Agent names (metric labels are limited to these). */
  readonly agents: readonly string[];
  /** Epoch milliseconds for the status page's windows (tests). */
  readonly now?: () => number;
}

/**
 * Builds the observability of one gateway from `observability.*`: subscribes the metrics
 * collector and the live status to the events. Trace export starts with `exportTraces()`,
 * once the gateway knows it will start (a gateway that refuses to start registers no SDK).
 * Who may read `/metrics` and `/status` is the `Authenticator`'s business, not this one's.
 */
export function createObservability(options: ObservabilityOptions): Observability {
  const { config, events, logger } = options;
  const settings = config.observability;
  const guard = new LabelGuard(options.agents, Object.keys(config.providers));
  const collector = settings.metrics ? new MetricsCollector({ guard }) : undefined;
  const status = new LiveStatus({ guard, service: settings.service_name, env: config.env, version: GATEWAY_VERSION, ...(options.now ? { now: options.now } : {}) });
  const upstreamTime = new UpstreamTimeLedger();
  const unsubscribe = [
    collector?.subscribe(events),
    status.subscribe(events),
    events.on('provider.retry', (event) => upstreamTime.addWait(event.requestId, event.delayMs)),
  ];
  let traceExport: TraceExport | undefined;

  return {
    ...(collector ? { collector } : {}),
    status,
    upstreamTime,
    get traceExport() {
      return traceExport;
    },
    async exportTraces() {
      if (settings.otlp_endpoint === undefined || traceExport !== undefined) return;
      traceExport = await startOtlpTracing({ endpoint: settings.otlp_endpoint, serviceName: settings.service_name, logger });
    },
    providersBuilt(breakers) {
      collector?.initBreakers(breakers);
    },
    async close() {
      for (const off of unsubscribe) off?.();
      await traceExport?.shutdown();
    },
  };
}
