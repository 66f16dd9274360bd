import type { Logger } from 'pino';
import type { Environment } from '../config/interpolate.js';
import type { OssaConfig, ProviderConfig } from '../config/ossa-config.js';
import type { SourceIssue } from '../config/source-issue.js';
import type { EventDispatcher } from '../executor/event-dispatcher.js';
import type { ProviderCatalog } from '../providers/provider-catalog.js';
import type { Provider } from '../providers/provider.js';
import { resolveAdminAccess, type AdminAccess } from '../secrets/admin-access.js';
import { resolveSecret, type SecretVaultReader } from '../secrets/resolve-secret.js';
import type { Secret } from '../secrets/secret.js';
import { GATEWAY_VERSION } from './gateway-version.js';
import { LabelGuard } from './label-guard.js';
import { MetricsCollector } from './metrics/metrics-collector.js';
import { LiveStatus } from './status/live-status.js';
import { upstreamAddress } from './tracing/genai-attributes.js';
import { startOtlpTracing, type TraceExport } from './tracing/otlp-tracing.js';
import { TracingProvider } from './tracing/tracing-provider.js';
import { UpstreamTimeLedger } from './upstream-time-ledger.js';

/** Everything one gateway observes with: metrics, live status, upstream time, traces. */
export interface Observability {
  /** Absent when `observability.metrics: false`: nothing is counted and `/metrics` is not served. */
  readonly collector?: MetricsCollector;
  readonly status: LiveStatus;
  readonly upstreamTime: UpstreamTimeLedger;
  /** The bearer token `/metrics` requires (`observability.metrics_token`, resolved). */
  readonly metricsToken?: Secret;
  /** Who may open the status page (`security.admin_keys`, when `security.clients` is configured). */
  readonly adminAccess: AdminAccess;
  /** Where spans are exported, when `observability.otlp_endpoint` is set. */
  readonly traceExport?: TraceExport;
  /** The provider decorator that traces and times each upstream attempt (innermost). */
  decorateProvider(adapter: Provider, name: string, config: ProviderConfig): Provider;
  /** Called once the providers are built: breaker gauges start at "closed" for each. */
  providersBuilt(catalog: ProviderCatalog): void;
  /** Unsubscribes and flushes the trace export. */
  close(): Promise<void>;
}

/** The inputs of `createObservability`, all known before the providers are built. */
export interface ObservabilityOptions {
  readonly config: OssaConfig;
  readonly env: Environment;
  readonly logger: Logger;
  readonly events: EventDispatcher;
  /** Agent names (metric labels are limited to these). */
  readonly agents: readonly string[];
  /** Where the config came from, for problem messages. */
  readonly source?: string;
  readonly vault?: SecretVaultReader;
  /** Epoch milliseconds for the status page's windows (tests). */
  readonly now?: () => number;
}

/**
 * Builds the observability of one gateway from `observability.*`: subscribes the metrics
 * collector and the live status to the events, resolves the metrics token, and starts the
 * OTLP export when an endpoint is set. Configuration mistakes come back as `problems` (the
 * gateway refuses to start rather than serve `/metrics` unprotected by accident).
 */
export async function createObservability(options: ObservabilityOptions): Promise<{ observability: Observability; problems: SourceIssue[] }> {
  const { config, events, logger } = options;
  const settings = config.observability;
  const problems: SourceIssue[] = [];
  const at = (key: string, message: string): SourceIssue => ({ file: options.source ?? 'config', path: `observability.${key}`, message });

  let metricsToken: Secret | undefined;
  if (settings.metrics_token !== undefined) {
    const resolved = resolveSecret(settings.metrics_token, options.env, options.vault);
    if (resolved.ok) metricsToken = resolved.secret;
    else problems.push(at('metrics_token', `cannot be resolved: ${resolved.reason}`));
  }

  const adminAccess = resolveAdminAccess(config.security, options.env, logger, options.vault);
  const guard = new LabelGuard(options.agents, Object.keys(config.providers));
  const collector = settings.metrics ? new MetricsCollector({ guard }) : undefined;
  const status = new LiveStatus({ guard, service: settings.service_name, env: config.env, version: GATEWAY_VERSION, ...(options.now ? { now: options.now } : {}) });
  const upstreamTime = new UpstreamTimeLedger();
  const unsubscribe = [
    collector?.subscribe(events),
    status.subscribe(events),
    events.on('provider.retry', (event) => upstreamTime.addWait(event.requestId, event.delayMs)),
  ];

  const traceExport =
    problems.length === 0 && settings.otlp_endpoint !== undefined
      ? await startOtlpTracing({ endpoint: settings.otlp_endpoint, serviceName: settings.service_name, logger })
      : undefined;

  const observability: Observability = {
    ...(collector ? { collector } : {}),
    status,
    upstreamTime,
    adminAccess,
    ...(metricsToken ? { metricsToken } : {}),
    ...(traceExport ? { traceExport } : {}),
    decorateProvider(adapter, _name, providerConfig) {
      const server = upstreamAddress(providerConfig.base_url);
      return new TracingProvider(adapter, { upstreamTime, ...(server ? { server } : {}) });
    },
    providersBuilt(catalog) {
      const withBreaker = [...catalog.values()].filter((entry) => entry.provider !== undefined && entry.config.circuit_breaker.enabled).map((entry) => entry.name);
      collector?.initBreakers(withBreaker);
    },
    async close() {
      for (const off of unsubscribe) off?.();
      await traceExport?.shutdown();
    },
  };
  return { observability, problems };
}
