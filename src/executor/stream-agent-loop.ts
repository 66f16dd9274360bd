import type { ModelResult, StreamPart } from '../providers/provider.js';
import { contentText } from '../providers/provider.js';
import { ProviderError } from '../providers/provider-error.js';
import { isToolCallPart, ToolCallAssembler } from '../providers/tool-call-assembler.js';
import { agentLoop, type AskModel, type LoopOutcome } from './agent-loop.js';
import type { AgentExecutor, PreparedExecution } from './agent-executor.js';
import type { ExecuteOptions, ExecutionContext } from './agent-response.js';
import type { AgentStreamEvent } from './agent-stream-event.js';

type LoopSteps = Pick<AgentExecutor, 'complete' | 'fail' | 'loopRun'>;

/**
 * A streamed run of the agent loop: each turn is streamed from the route's provider, its text
 * yielded as `delta`s as it comes (a blank line between turns), each server tool call as a
 * `tool_run` when it starts and a `tool_result` when it ends; the calls the client is to answer
 * (its own tools', those waiting for approval) as tool-call events at the end, then `done`.
 * `start` comes with the first step, so a failure of the first turn is still thrown before it.
 * A consumer that stops reading aborts the model call and every running tool call.
 */
export async function* streamAgentLoop(
  steps: LoopSteps,
  prepared: PreparedExecution,
  input: string,
  context: ExecutionContext,
  options: ExecuteOptions,
): AsyncGenerator<AgentStreamEvent, void, undefined> {
  const { route } = prepared;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let serving = route.usable[0] ?? route.primary;
  const ask: AskModel = async function* (call, turnSignal) {
    const text: string[] = [];
    const calls = new ToolCallAssembler();
    let finish: Extract<StreamPart, { type: 'finish' }> | undefined;
    for await (const part of route.provider.stream(call, turnSignal)) {
      if (part.type === 'start') serving = { provider: part.provider, model: part.model };
      else if (part.type === 'text' && part.text !== '') {
        text.push(part.text);
        yield part.text;
      } else if (isToolCallPart(part)) {
        if (!calls.add(part)) throw new ProviderError(`${serving.provider}: the stream sent a tool-call part for a call that never started`, { provider: serving.provider, kind: 'invalid_response', retryable: false });
      } else if (part.type === 'finish') finish = part;
    }
    if (!finish) throw new ProviderError(`${serving.provider}: the stream ended without a finish part`, { provider: serving.provider, kind: 'invalid_response', retryable: true });
    const { type: _finish, ...rest } = finish;
    const result: ModelResult = { ...rest, text: text.join(''), ...(calls.size > 0 ? { toolCalls: calls.toolCalls() } : {}) };
    return result;
  };
  const loop = agentLoop(steps.loopRun(prepared, options, signal, ask));
  let settled = false;
  let started = false;
  const start = (): AgentStreamEvent => {
    started = true;
    return { type: 'start', request_id: options.requestId, agent: { name: route.agent.name, version: route.agent.version }, provider: serving.provider, model: serving.model, cached: false };
  };
  try {
    let outcome: LoopOutcome | undefined;
    for (let step = await loop.next(); ; step = await loop.next()) {
      if (!started) yield start();
      if (step.done) {
        outcome = step.value;
        break;
      }
      const event = step.value;
      if (event.type === 'text') yield { type: 'delta', text: event.text };
      else if (event.type === 'tool_call') yield { type: 'tool_run', id: event.call.id, name: event.call.name, arguments: event.call.arguments, kind: event.tool.kind };
      else if (event.type === 'tool_result') {
        const { report } = event;
        yield { type: 'tool_result', tool_call_id: report.call.id, name: report.call.name, content: contentText(report.message.content), is_error: report.outcome !== 'ok', duration_ms: report.durationMs };
      }
    }
    for (const [index, call] of outcome.clientCalls.entries()) {
      yield { type: 'tool_call_start', index, id: call.id, name: call.name };
      yield { type: 'tool_call_delta', index, arguments: call.arguments };
      yield { type: 'tool_call_end', index };
    }
    const response = steps.complete(prepared, outcome.result, options, outcome);
    settled = true;
    yield { type: 'done', response };
  } catch (error) {
    if (!settled) {
      settled = true;
      steps.fail(prepared, error, input, context, options);
    }
    throw error;
  } finally {
    if (!settled) {
      // The consumer stopped reading: the client went away. Stop the model call and the tools.
      stop.abort();
      steps.fail(prepared, new ProviderError(`${serving.provider}: the client stopped reading the stream`, { provider: serving.provider, kind: 'aborted', retryable: false }), input, context, options);
      await loop.return(undefined as never).catch(() => undefined);
    }
  }
}
