import { SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { ProviderError } from '../../providers/provider-error.js';
import { GATEWAY_VERSION } from '../gateway-version.js';

/** The instrumentation scope every gateway span is created under. */
export const TRACER_NAME = 'ossa-gateway';

/** Span names, so every layer (and every dashboard) uses the same ones. */
export const SPAN_NAMES = {
  rateLimitCheck: 'ossa.rate_limit.check',
  cacheLookup: 'ossa.cache.lookup',
  budgetReserve: 'ossa.budget.reserve',
} as const;

/**
 * The gateway's tracer. Asked of the global API on every call (cheap), so spans go to
 * whichever SDK is registered now: ours when `observability.otlp_endpoint` is set, the host
 * application's when the gateway is embedded, none (non-recording spans) otherwise.
 */
export function gatewayTracer(): Tracer {
  return trace.getTracer(TRACER_NAME, GATEWAY_VERSION);
}

/**
 * Runs `fn` inside a new active span (a child of the current one) and ends the span when
 * `fn` settles; a throw marks the span as an error and is rethrown. With no SDK registered
 * the span is a non-recording no-op: a couple of small allocations, no clock reads, no export.
 *
 * @example
 * const verdict = await withSpan(SPAN_NAMES.rateLimitCheck, { 'ossa.agent': agent }, async (span) => {
 *   const v = await store.take(buckets);
 *   // Attributes only when recorded: without an SDK the span is a no-op, and so is this.
 *   if (span.isRecording()) span.setAttribute('ossa.rate_limit.outcome', v.outcome);
 *   return v;
 * });
 */
export function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => T | Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  return gatewayTracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      markSpanFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Records `error` on `span` (exception event, ERROR status, `error.type`). */
export function markSpanFailed(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  span.setAttribute('error.type', errorType(err));
}

/** `error.type`: the upstream status when there was one, else the failure kind or class. */
export function errorType(error: Error): string {
  if (error instanceof ProviderError) return error.status !== undefined ? String(error.status) : error.kind;
  return error.name;
}
