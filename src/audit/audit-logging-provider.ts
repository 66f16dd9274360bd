import { performance } from 'node:perf_hooks';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart, Usage } from '../providers/provider.js';
import { ProviderError } from '../providers/provider-error.js';
import { ToolCallAssembler } from '../providers/tool-call-assembler.js';
import type { AuditRecorder } from './audit-log.js';
import { errorRecord, requestRecord, responseRecord, type AttemptAnswer } from './audit-record.js';

/** Where an `AuditLoggingProvider` sends records and events. */
export interface AuditLoggingOptions {
  readonly audit: AuditRecorder;
  /** Receives `provider.attempt` for every attempt, audit on or off. */
  readonly events: EventDispatcher;
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
 * A `Provider` decorator around the bare adapter: every upstream attempt gets an `llm_request`
 * record, then an `llm_response` or an `llm_error` record (with the same `request_id` and
 * `attempt`), and a `provider.attempt` event. It sits inside the circuit breaker, so each
 * retry and each fallback is its own attempt. A response record counts the tool calls the
 * answer asks for; prompt and response text, and the tool calls' names and arguments, are
 * recorded only with `includeContent`.
 *
 * A stream that fails midway is recorded as `llm_error` with the parts and characters seen so
 * far; one whose consumer stops reading, or whose caller aborts, as `llm_error` with
 * `aborted: true`.
 *
 * @example
 * const audited = new AuditLoggingProvider(adapter, { audit, events, includeContent: false });
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
    let ended = false;
    try {
      for await (const part of this.#inner.stream(call, signal)) {
        if (part.type === 'text') {
          progress.parts++;
          progress.length += part.text.length;
          progress.text?.push(part.text);
        } else if (part.type === 'finish') {
          ended = true;
          this.#succeeded(call, started, true, {
            model: part.model, usage: part.usage, finishReason: part.finishReason, length: progress.length, text: progress.text?.join(''),
            toolCallCount: progress.toolCalls, toolCalls: progress.calls?.toolCalls(),
          });
        } else if (part.type !== 'start') {
          if (part.type === 'tool-call-start') progress.toolCalls++;
          progress.calls?.add(part);
        }
        yield part;
      }
      if (!ended) {
        ended = true;
        this.#failed(call, started, true, new ProviderError(`${this.name}: the stream ended without a finish part`, { provider: this.name, kind: 'invalid_response', retryable: true }), progress);
      }
    } catch (error) {
      if (!ended) {
        ended = true;
        this.#failed(call, started, true, error, progress);
      }
      throw error;
    } finally {
      if (!ended) {
        const stopped = new ProviderError(`${this.name}: the consumer stopped reading the stream`, { provider: this.name, kind: 'aborted', retryable: false });
        this.#failed(call, started, true, stopped, progress);
      }
    }
  }

  #start(call: ModelCall, streamed: boolean): number {
    this.#options.audit.record(requestRecord(call, this.name, streamed, this.#now(), this.#options.includeContent));
    return performance.now();
  }

  #succeeded(call: ModelCall, started: number, streamed: boolean, answer: AttemptAnswer): void {
    const durationMs = round(performance.now() - started);
    this.#options.audit.record(responseRecord(call, this.name, streamed, this.#now(), durationMs, answer, this.#options.includeContent));
    if (!this.#options.events.hasListeners('provider.attempt')) return;
    this.#attemptEvent(call, answer.model, 'success', durationMs, streamed, { usage: answer.usage });
  }

  #failed(call: ModelCall, started: number, streamed: boolean, error: unknown, progress: StreamProgress | undefined): void {
    const durationMs = round(performance.now() - started);
    const providerError = error instanceof ProviderError ? error : undefined;
    const aborted = providerError?.kind === 'aborted';
    this.#options.audit.record(
      errorRecord(call, this.name, streamed, this.#now(), durationMs, {
        errorClass: providerError ? `ProviderError:${providerError.kind}` : error instanceof Error ? error.name : 'Error',
        // Only provider errors are known to be safe to store; anything else is a bug, named by class.
        message: providerError ? providerError.message : 'internal error',
        status: providerError?.status,
        retryable: providerError?.retryable,
        aborted,
        progress,
      }),
    );
    if (!this.#options.events.hasListeners('provider.attempt')) return;
    this.#attemptEvent(call, call.model, aborted ? 'aborted' : 'error', durationMs, streamed, {
      ...(providerError ? { errorKind: providerError.kind } : {}),
      ...(providerError?.status !== undefined ? { status: providerError.status } : {}),
    });
  }

  #attemptEvent(
    call: ModelCall,
    model: string,
    outcome: 'success' | 'error' | 'aborted',
    durationMs: number,
    streamed: boolean,
    extra: { usage?: Usage; errorKind?: string; status?: number },
  ): void {
    this.#options.events.dispatch({
      type: 'provider.attempt',
      requestId: call.meta.requestId,
      agent: call.meta.agent.name,
      provider: this.name,
      model,
      attempt: call.meta.attempt ?? 1,
      outcome,
      durationMs,
      streamed,
      ...extra,
    });
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
