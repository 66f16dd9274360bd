import { SpanKind } from '@opentelemetry/api';
import type { ProviderLayer } from '../../pipeline/wrap.js';
import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart } from '../../providers/provider.js';
import type { UpstreamTimeLedger } from '../upstream-time-ledger.js';
import { chatAttributes, chatSpanName, recordModelResult, type UpstreamAddress } from './genai-attributes.js';
import { gatewayTracer, markSpanFailed, withSpan } from './with-span.js';

/** Where the adapter sends requests, and the ledger its time is credited to. */
export interface TracingProviderOptions {
  /** Where the adapter sends requests (`server.address`, `server.port`). */
  readonly server?: UpstreamAddress;
  /** Credited with each call's wall time, for the gateway-overhead metric. */
  readonly upstreamTime?: UpstreamTimeLedger;
}

/**
 * Wraps a bare adapter so that each call, that is each upstream attempt, is one CLIENT span
 * (`chat {model}`, GenAI attributes: system, request model, temperature, max tokens, output
 * type, stop sequences, response model, finish reasons, token usage; tools offered and tool
 * calls asked as counts) and its wall time is credited to the request's upstream time. It
 * sits inside the retry, breaker and audit layers, so that every retry and every fallback is
 * its own span under the execution span.
 */
export class TracingProvider implements Provider {
  readonly name: string;
  readonly type: ProviderType;

  constructor(
    private readonly inner: Provider,
    private readonly options: TracingProviderOptions = {},
  ) {
    this.name = inner.name;
    this.type = inner.type;
  }

  complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    const started = performance.now();
    return withSpan(
      chatSpanName(call),
      chatAttributes(this, call, this.options.server, false),
      async (span) => {
        try {
          const result = await this.inner.complete(call, signal);
          recordModelResult(span, result, result.toolCalls?.length ?? 0);
          return result;
        } finally {
          this.options.upstreamTime?.addCall(call.meta.requestId, performance.now() - started);
        }
      },
      SpanKind.CLIENT,
    );
  }

  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    const started = performance.now();
    // Not an active span: generator bodies resume in their caller's context, so the span is
    // ended here, by hand, however the consumer stops (finish, throw, or break).
    const span = gatewayTracer().startSpan(chatSpanName(call), { kind: SpanKind.CLIENT, attributes: chatAttributes(this, call, this.options.server, true) });
    let first = true;
    let toolCalls = 0;
    try {
      for await (const part of this.inner.stream(call, signal)) {
        if ((part.type === 'text' || part.type === 'tool-call-start') && first) {
          first = false;
          span.addEvent('gen_ai.first_token');
        }
        if (part.type === 'tool-call-start') toolCalls++;
        else if (part.type === 'finish') recordModelResult(span, part, toolCalls);
        yield part;
      }
    } catch (error) {
      markSpanFailed(span, error);
      throw error;
    } finally {
      span.end();
      this.options.upstreamTime?.addCall(call.meta.requestId, performance.now() - started);
    }
  }
}

/**
 * The `tracing()` layer: a CLIENT span per call, its wall time credited to the request. Put it
 * inside `retry()` (each retry its own span), as close to the adapter as key rotation allows.
 *
 * @example
 * wrapProvider(adapter, [retry(...), circuitBreaker(breaker), tracing({ upstreamTime, server: upstreamAddress(config.base_url) })]);
 */
export function tracing(options: TracingProviderOptions = {}): ProviderLayer {
  return (inner) => new TracingProvider(inner, options);
}
