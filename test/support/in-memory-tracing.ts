import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** A registered tracing SDK that keeps every finished span in memory, as a host application's would. */
export interface InMemoryTracing {
  spans(): ReadableSpan[];
  /** The finished spans named `name` (exactly one expected unless `many`). */
  span(name: string): ReadableSpan;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Registers a Node tracer provider (async-local-storage context, W3C propagation) whose spans
 * go to an in-memory exporter, synchronously on end. `stop()` unregisters everything, so the
 * next test file (or the gateway's own OTLP set-up) starts from a clean global API.
 */
export function startInMemoryTracing(): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  return {
    spans: () => exporter.getFinishedSpans(),
    span(name) {
      const found = exporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one span named "${name}", found ${found.length}: ${exporter.getFinishedSpans().map((s) => s.name).join(', ')}`);
      return found[0]!;
    },
    reset: () => exporter.reset(),
    async stop() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
