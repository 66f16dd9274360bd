import { performance } from 'node:perf_hooks';
import type { ProviderLayer } from '../pipeline/wrap.js';
import { observeStream } from '../providers/observe-stream.js';
import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart } from '../providers/provider.js';
import { ProviderError } from '../providers/provider-error.js';
import { ToolCallAssembler } from '../providers/tool-call-assembler.js';
import type { AuditRecorder } from './audit-log.js';
import { errorRecord, requestRecord, responseRecord, type AttemptAnswer } from './audit-record.js';

/** Where an `AuditLoggingProvider` sends records, and what they hold. */
export interface AuditLoggingOptions {
  readonly audit: AuditRecorder;
  /** Record prompt and response text (`security.audit.include_content`). */
  readonly includeContent: boolean;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/** What a stream delivered before it ended. */
interface StreamProgress {
  parts: number;
  length: number;
  text: string[] | undefined;
  /** Tool calls begun. */
  toolCalls: number;
  /** The calls themselves, assembled only when content is recorded. */
  calls: ToolCallAssembler | undefined;
}

/**
 * A `Provider` decorator: every upstream attempt gets an `llm_request` record, then an
 * `llm_response` or an `llm_error` record (with the same `request_id` and `attempt`). It sits
 * inside the retry and the breaker layers, so each retry and each fallback is its own attempt.
 * A response record counts the tool calls the answer asks for; prompt and response text, and
 * the tool calls' names and arguments, are recorded only with `includeContent`.
 *
 * A stream that fails midway is recorded as `llm_error` with the parts and characters seen so
 * far; one whose consumer stops reading, or whose caller aborts, as `llm_error` with
 * `aborted: true`.
 *
 * @example
 * const audited = new AuditLoggingProvider(adapter, { audit, includeContent: false });
 */
export class AuditLoggingProvider implements Provider {
  readonly name: string;
  readonly type: ProviderType;
  readonly #inner: Provider;
  readonly #options: AuditLoggingOptions;
  readonly #now: () => number;

  constructor(inner: Provider, options: AuditLoggingOptions) {
    this.name = inner.name;
    this.type = inner.type;
    this.#inner = inner;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    const started = this.#start(call, false);
    let result: ModelResult;
    try {
      result = await this.#inner.complete(call, signal);
    } catch (error) {
      this.#failed(call, started, false, error, undefined);
      throw error;
    }
    this.#succeeded(call, started, false, {
      model: result.model, usage: result.usage, finishReason: result.finishReason, length: result.text.length, text: result.text,
      toolCallCount: result.toolCalls?.length ?? 0, toolCalls: result.toolCalls,
    });
    return result;
  }

  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    const started = this.#start(call, true);
    const content = this.#options.includeContent;
    const progress: StreamProgress = { parts: 0, length: 0, text: content ? [] : undefined, toolCalls: 0, calls: content ? new ToolCallAssembler() : undefined };
    yield* observeStream(this.name, this.#inner.stream(call, signal), {
      part: (part) => {
        if (part.type === 'text') {
          progress.parts++;
          progress.length += part.text.length;
          progress.text?.push(part.text);
        } else if (part.type === 'tool-call-start' || part.type === 'tool-call-delta' || part.type === 'tool-call-end') {
          if (part.type === 'tool-call-start') progress.toolCalls++;
          progress.calls?.add(part);
        }
      },
      finished: (finish) =>
        this.#succeeded(call, started, true, {
          model: finish.model, usage: finish.usage, finishReason: finish.finishReason, length: progress.length, text: progress.text?.join(''),
          toolCallCount: progress.toolCalls, toolCalls: progress.calls?.toolCalls(),
        }),
      failed: (error) => this.#failed(call, started, true, error, progress),
    });
  }

  #start(call: ModelCall, streamed: boolean): number {
    this.#options.audit.record(requestRecord(call, this.name, streamed, this.#now(), this.#options.includeContent));
    return performance.now();
  }

  #succeeded(call: ModelCall, started: number, streamed: boolean, answer: AttemptAnswer): void {
    this.#options.audit.record(responseRecord(call, this.name, streamed, this.#now(), round(performance.now() - started), answer, this.#options.includeContent));
  }

  #failed(call: ModelCall, started: number, streamed: boolean, error: unknown, progress: StreamProgress | undefined): void {
    const providerError = error instanceof ProviderError ? error : undefined;
    this.#options.audit.record(
      errorRecord(call, this.name, streamed, this.#now(), round(performance.now() - started), {
        errorClass: providerError ? `ProviderError:${providerError.kind}` : error instanceof Error ? error.name : 'Error',
        // Only provider errors are known to be safe to store; anything else is a bug, named by class.
        message: providerError ? providerError.message : 'internal error',
        status: providerError?.status,
        retryable: providerError?.retryable,
        aborted: providerError?.kind === 'aborted',
        progress,
      }),
    );
  }
}

/**
 * The `auditLog()` layer: one record pair per call, so put it inside `retry()` and the
 * breaker. Leave it out of the list when `security.audit_logging` is off.
 *
 * @example
 * wrapProvider(adapter, [retry(...), circuitBreaker(breaker), audit && auditLog({ audit, includeContent: false })]);
 */
export function auditLog(options: AuditLoggingOptions): ProviderLayer {
  return (inner) => new AuditLoggingProvider(inner, options);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
