import { performance } from 'node:perf_hooks';
import { context as otelContext, trace } from '@opentelemetry/api';
import { agentAttributes, agentSpanName, recordAgentResponse } from '../observability/tracing/genai-attributes.js';
import { gatewayTracer, markSpanFailed } from '../observability/tracing/with-span.js';
import type { StreamPart } from '../providers/provider.js';
import { ProviderError } from '../providers/provider-error.js';
import { isToolCallPart, ToolCallAssembler } from '../providers/tool-call-assembler.js';
import type { AgentExecutor } from './agent-executor.js';
import type { ExecuteOptions, ExecutionContext } from './agent-response.js';
import type { AgentStreamEvent } from './agent-stream-event.js';
import { streamAgentLoop } from './stream-agent-loop.js';

/** The pieces of `AgentExecutor` a streamed execution shares with `execute`. */
export type ExecutionSteps = Pick<AgentExecutor, 'prepare' | 'complete' | 'fail' | 'loopRun'>;

type FinishPart = Extract<StreamPart, { type: 'finish' }>;

/**
 * One streamed execution: the same start, complete and error events as `execute`, each
 * dispatched exactly once, with the agent's provider (the fallback chain) asked to `stream()`.
 *
 * - `start` is yielded once the first upstream part is known, naming the provider that
 *   serves; a failure before it (every provider failed) is thrown with nothing yielded.
 * - Each text part becomes a `delta` at once, each tool-call part a `tool_call_start`,
 *   `tool_call_delta` or `tool_call_end` with its index: nothing is buffered here. `done`'s
 *   response has the tool calls whole.
 * - `done` carries the response `execute` would have returned, after the completion event.
 * - An upstream failure midway is thrown after the deltas already yielded, with the error
 *   event dispatched.
 * - A consumer that stops reading (`return()`, the HTTP client hung up) closes the upstream
 *   stream and ends the execution as aborted: the error event with a `ProviderError` of kind
 *   `aborted`, as for a client that disconnects from `execute`.
 * - The agent's whole-run deadline (`timeoutSeconds`) holds for the stream as for `execute`,
 *   however steadily the upstream sends: once it passes, the upstream call is aborted and the
 *   stream throws a `timeout` `ProviderError` (before `start`: the route's 503; after it: the
 *   surface's error event), with the error event dispatched. Every surface streams through
 *   here, so each ends a late stream the same way.
 *
 * Upstream `chat` spans are children of the execution's `invoke_agent` span: the generator
 * resumes in its consumer's context, so each upstream step runs inside the span explicitly.
 */
export async function* streamExecution(
  steps: ExecutionSteps,
  agentName: string,
  input: string,
  context: ExecutionContext,
  options: ExecuteOptions,
): AsyncGenerator<AgentStreamEvent, void, undefined> {
  const prepared = steps.prepare(agentName, input, context, options);
  if (prepared.route.serverTools !== undefined) {
    yield* streamAgentLoop(steps, prepared, input, context, options);
    return;
  }
  const { route, call } = prepared;
  let serving = route.usable[0] ?? route.primary;
  const deadline = route.agent.timeoutSeconds === undefined ? undefined : new RunDeadline(route.agent.timeoutSeconds, prepared.startedAt, () => serving.provider);
  const caller = options.signal ?? new AbortController().signal;
  const signal = deadline ? AbortSignal.any([caller, deadline.signal]) : caller;
  const span = gatewayTracer().startSpan(agentSpanName(agentName), { attributes: agentAttributes(agentName, options.requestId) });
  const inSpan = trace.setSpan(otelContext.active(), span);
  const parts = otelContext.with(inSpan, () => route.provider.stream(call, signal)[Symbol.asyncIterator]());
  const next = (): Promise<IteratorResult<StreamPart, unknown>> => {
    const step = otelContext.with(inSpan, () => parts.next());
    // Raced, so a provider that ignores its signal cannot hold the stream past the deadline.
    return deadline ? Promise.race([step, deadline.expired]) : step;
  };

  let outcome: 'open' | 'settled' = 'open';
  const failed = (error: unknown): void => {
    outcome = 'settled';
    steps.fail(prepared, error, input, context, options);
    markSpanFailed(span, error);
  };
  try {
    let step = await next();
    if (!step.done && step.value.type === 'start') {
      serving = { provider: step.value.provider, model: step.value.model };
      step = await next();
    }
    yield { type: 'start', request_id: options.requestId, agent: { name: route.agent.name, version: route.agent.version }, provider: serving.provider, model: serving.model, cached: false };

    const text: string[] = [];
    const toolCalls = new ToolCallAssembler();
    let finish: FinishPart | undefined;
    for (; !step.done; step = await next()) {
      const part = step.value;
      if (part.type === 'text' && part.text !== '') {
        text.push(part.text);
        yield { type: 'delta', text: part.text };
      } else if (isToolCallPart(part)) {
        if (!toolCalls.add(part)) throw new ProviderError(`${serving.provider}: the stream sent a tool-call part for a call that never started`, { provider: serving.provider, kind: 'invalid_response', retryable: false });
        if (part.type === 'tool-call-start') yield { type: 'tool_call_start', index: part.index, id: part.id, name: part.name };
        else if (part.type === 'tool-call-delta') yield { type: 'tool_call_delta', index: part.index, arguments: part.argumentsDelta };
        else yield { type: 'tool_call_end', index: part.index };
      } else if (part.type === 'finish') {
        finish = part;
      }
      // Read on after the finish part, to the end: the layers below settle there (the
      // breaker counts a success only for a stream read to its end).
    }
    if (!finish) throw new ProviderError(`${serving.provider}: the stream ended without a finish part`, { provider: serving.provider, kind: 'invalid_response', retryable: true });
    const { type: _finish, ...result } = finish;
    const response = steps.complete(prepared, { ...result, text: text.join(''), ...(toolCalls.size > 0 ? { toolCalls: toolCalls.toolCalls() } : {}) }, options);
    outcome = 'settled';
    recordAgentResponse(span, response);
    yield { type: 'done', response };
  } catch (thrown) {
    // Past the deadline, whatever the upstream threw on its abort, the deadline is the reason.
    const error = deadline?.error ?? thrown;
    if (outcome === 'open') failed(error);
    if (deadline?.error) void parts.return?.().catch(() => undefined);
    throw error;
  } finally {
    deadline?.clear();
    if (outcome === 'open') {
      // The consumer stopped reading before the end: the client went away.
      failed(new ProviderError(`${serving.provider}: the client stopped reading the stream`, { provider: serving.provider, kind: 'aborted', retryable: false }));
      await parts.return?.();
    }
    span.end();
  }
}

/**
 * The agent's `timeoutSeconds` over a whole streamed run, from the moment it was prepared: when
 * it passes, `signal` aborts the upstream call and `expired` rejects with the timeout error.
 */
class RunDeadline {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  /** Rejects once the deadline passed; never resolves. */
  readonly expired: Promise<never>;
  /** Set once the deadline passed. */
  error: ProviderError | undefined;

  constructor(seconds: number, startedAt: number, provider: () => string) {
    let reject: (error: ProviderError) => void = () => undefined;
    this.expired = new Promise<never>((_, fail) => (reject = fail));
    // Nobody may be racing it when it fires (the consumer is busy): not an unhandled rejection.
    this.expired.catch(() => undefined);
    const left = Math.max(0, seconds * 1000 - (performance.now() - startedAt));
    this.#timer = setTimeout(() => {
      const name = provider();
      this.error = new ProviderError(`${name}: the agent's deadline of ${seconds} s (timeoutSeconds) passed before the stream ended`, { provider: name, kind: 'timeout', retryable: false });
      this.#controller.abort(this.error);
      reject(this.error);
    }, left);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}
