import { context, propagation, ProxyTracerProvider, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { GATEWAY_VERSION } from '../gateway-version.js';
import { TRACER_NAME } from './with-span.js';

/** A running trace export; `shutdown()` flushes the spans still buffered. */
export interface TraceExport {
  readonly endpoint: string;
  shutdown(): Promise<void>;
}

/** Where to export and as which service. */
export interface OtlpTracingOptions {
  /** The collector's base URL (`http://127.0.0.1:4318`) or its full traces URL (`.../v1/traces`). */
  readonly endpoint: string;
  readonly serviceName: string;
  readonly logger: Logger;
}

/**
 * Starts exporting the gateway's spans over OTLP/HTTP (JSON) to `observability.otlp_endpoint`:
 * registers a Node tracer provider (batching, async-local-storage context, W3C trace-context
 * propagation) as the process's global one. The SDK packages are imported here, lazily, so a
 * gateway without an endpoint never loads them. When the host application has already
 * registered a tracer provider, it is left alone and gateway spans go to it.
 */
export async function startOtlpTracing(options: OtlpTracingOptions): Promise<TraceExport | undefined> {
  if (tracerProviderRegistered()) {
    options.logger.warn({ otlp_endpoint: options.endpoint }, 'a tracer provider is already registered (by the host application): gateway spans go to it; observability.otlp_endpoint is not used');
    return undefined;
  }
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const url = tracesUrl(options.endpoint);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': GATEWAY_VERSION }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register();
  options.logger.info({ otlp_endpoint: url, service_name: options.serviceName }, 'exporting traces over OTLP/HTTP');
  return {
    endpoint: url,
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        // Leave the process as we found it, so another gateway (or a test) can register again.
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}

/** True when some SDK's tracer provider is already the global one. */
function tracerProviderRegistered(): boolean {
  const global = trace.getTracerProvider();
  return !(global instanceof ProxyTracerProvider) || global.getDelegateTracer(TRACER_NAME) !== undefined;
}

/** The OTLP/HTTP traces URL: the base endpoint plus `/v1/traces`, as the OTLP spec defines it. */
export function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}
