import { performance } from 'node:perf_hooks';
import { buildPrompt } from '../agents/build-prompt.js';
import type { AgentDefinition } from '../agents/agent-definition.js';
import { agentAttributes, agentSpanName, recordAgentResponse } from '../observability/tracing/genai-attributes.js';
import { withSpan } from '../observability/tracing/with-span.js';
import type { ModelCall, ModelResult } from '../providers/provider.js';
import type { AgentResponse, AgentRunner, ExecuteOptions, ExecutionContext } from './agent-response.js';
import { whyRouteCannotRun, type AgentRoute } from './agent-route.js';
import { NO_SECRETS, type SecretRedactor } from '../secrets/known-secrets.js';
import { DEFAULT_MAX_TURNS } from '../agents/loop-settings.js';
import { agentLoop, type AgentLoopRun, type AskModel, type LoopOutcome, type ToolCallObserver } from './agent-loop.js';
import { toAgentSteps } from './agent-steps.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
import type { AgentStreamEvent } from './agent-stream-event.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import { AgentNotExecutableError, AgentNotFoundError } from './execution-errors.js';
import { streamExecution } from './stream-execution.js';

export interface AgentExecutorDependencies {
  readonly routes: ReadonlyMap<string, AgentRoute>;
  readonly events: EventDispatcher;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
  /** How server tools run (`tools.*` in the config); absent: the defaults. */
  readonly tools?: { readonly concurrency: number; readonly maxResultBytes: number };
  /** Tool results and errors are redacted against these before the model (or anyone) sees them. */
  readonly secrets?: SecretRedactor;
  /** Told of every tool call of a run (events, audit, metrics, spans). */
  readonly toolObserver?: (prepared: PreparedExecution, options: ExecuteOptions) => ToolCallObserver;
}

/** `tools.max_concurrency` and `tools.max_result_bytes` defaults. */
const DEFAULT_TOOL_SETTINGS = { concurrency: 4, maxResultBytes: 65_536 };

/** A prepared call: what `execute` and `executeStream` share before the provider is asked. */
export interface PreparedExecution {
  readonly route: AgentRoute & { readonly provider: NonNullable<AgentRoute['provider']> };
  readonly call: ModelCall;
  readonly startTime: number;
  readonly startedAt: number;
}

/**
 * Runs an agent: finds it, dispatches `AgentExecutionStartEvent`, builds the prompt, calls the
 * agent's provider (the resilience chain, when configured), and dispatches
 * `AgentExecutionCompleteEvent` or `AgentExecutionErrorEvent`.
 */
export class AgentExecutor implements AgentRunner {
  private readonly now: () => number;

  constructor(private readonly deps: AgentExecutorDependencies) {
    this.now = deps.now ?? Date.now;
  }

  route(agentName: string): AgentRoute | undefined {
    return this.deps.routes.get(agentName);
  }

  /** Runs the agent inside an `invoke_agent` span (GenAI attributes; a no-op without a tracing SDK). */
  execute(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): Promise<AgentResponse> {
    return withSpan(agentSpanName(agentName), agentAttributes(agentName, options.requestId), async (span) => {
      const response = await this.run(agentName, input, context, options);
      recordAgentResponse(span, response);
      return response;
    });
  }

  /**
   * Runs the agent with its provider streaming: `start` once the first upstream part is known,
   * a `delta` per text part as it arrives, `done` with the response; the same events as
   * `execute`, once each (see `streamExecution`). Lazy: nothing happens before the first `next()`.
   */
  executeStream(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncIterable<AgentStreamEvent> {
    return streamExecution(this, agentName, input, context, options);
  }

  private async run(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): Promise<AgentResponse> {
    const prepared = this.prepare(agentName, input, context, options);
    const signal = options.signal ?? new AbortController().signal;
    if (prepared.route.serverTools !== undefined) return this.runLoop(prepared, input, context, options, signal);
    let result: ModelResult;
    try {
      result = await prepared.route.provider.complete(prepared.call, signal);
    } catch (error) {
      this.fail(prepared, error, input, context, options);
      throw error;
    }
    return this.complete(prepared, result, options);
  }

  /** The agent loop for a route with server tools: every turn through the route's provider (the whole resilience chain). */
  private async runLoop(prepared: PreparedExecution, input: string, context: ExecutionContext, options: ExecuteOptions, signal: AbortSignal): Promise<AgentResponse> {
    const provider = prepared.route.provider;
    const ask: AskModel = async function* (call, turnSignal) {
      return await provider.complete(call, turnSignal);
    };
    const loop = agentLoop(this.loopRun(prepared, options, signal, ask));
    let outcome: LoopOutcome;
    try {
      let step = await loop.next();
      while (!step.done) step = await loop.next();
      outcome = step.value;
    } catch (error) {
      this.fail(prepared, error, input, context, options);
      throw error;
    }
    return this.complete(prepared, outcome.result, options, outcome);
  }

  /** What one run of the agent loop is given: the route's tools and limits, the first call. */
  loopRun(prepared: PreparedExecution, options: ExecuteOptions, signal: AbortSignal, ask: AskModel): AgentLoopRun {
    const agent = prepared.route.agent;
    const settings = this.deps.tools ?? DEFAULT_TOOL_SETTINGS;
    const seconds = [agent.timeoutSeconds, agent.loop?.maxExecutionSeconds].filter((s): s is number => s !== undefined);
    const observer = this.deps.toolObserver?.(prepared, options);
    return {
      ask,
      call: prepared.call,
      sources: prepared.route.serverTools ?? [],
      limits: {
        maxTurns: agent.loop?.maxTurns ?? DEFAULT_MAX_TURNS,
        ...(agent.loop?.maxToolCalls !== undefined ? { maxToolCalls: agent.loop.maxToolCalls } : {}),
        ...(seconds.length > 0 ? { deadline: prepared.startTime + Math.min(...seconds) * 1000 } : {}),
        concurrency: settings.concurrency,
        maxResultBytes: settings.maxResultBytes,
      },
      approval: agent.loop?.approvalRequired ?? [],
      signal,
      secrets: this.deps.secrets ?? NO_SECRETS,
      now: this.now,
      ...(observer ? { observer } : {}),
    };
  }

  /** Looks the agent up, dispatches the start event and builds the model call. */
  prepare(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): PreparedExecution {
    const route = this.deps.routes.get(agentName);
    if (!route) throw new AgentNotFoundError(agentName);
    const cannot = whyRouteCannotRun(route);
    if (cannot !== undefined) throw new AgentNotExecutableError(agentName, cannot);
    const startTime = this.now();
    const startedAt = performance.now();
    this.deps.events.dispatch({
      type: 'agent.execution.start',
      requestId: options.requestId,
      agent: route.agent,
      input,
      context,
      ...(options.userId !== undefined ? { userId: options.userId } : {}),
      startTime,
    });
    const prompt = buildPrompt(route.systemPrompt ?? route.agent.systemPrompt, input, context, options.history, options.systemBlocks ?? options.instructions);
    const asked = options.maxTokens ?? route.maxTokens;
    // Assigned field by field: a call without the optional parts pays for no spread of them.
    const call: Mutable<ModelCall> = {
      // The chain sets each target's own model; this is the first usable one's.
      model: route.usable[0]?.model ?? route.primary.model,
      system: prompt.system,
      messages: prompt.messages,
      temperature: clamp(options.temperature ?? route.temperature, 0, 2),
      // A request may ask for fewer tokens than the manifest allows, never more; a pass-through
      // model's client asks what it wants, up to the model's `max_tokens` when one is set.
      maxTokens: Math.max(1, route.passThrough === undefined ? Math.min(asked, route.maxTokens) : Math.min(asked, route.passThrough.maxTokens ?? asked)),
      meta: {
        requestId: options.requestId,
        agent: { name: route.agent.name, version: route.agent.version },
        ...(options.userId !== undefined ? { userId: options.userId } : {}),
        toolsCount: route.agent.tools.length + (options.tools?.length ?? 0),
        ...(route.agent.timeoutSeconds !== undefined ? { deadline: startTime + route.agent.timeoutSeconds * 1000 } : {}),
        ...(options.temperature !== undefined || options.maxTokens !== undefined
          ? { requested: { ...(options.temperature !== undefined ? { temperature: options.temperature } : {}), ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}) } }
          : {}),
      },
    };
    if (options.stop !== undefined && options.stop.length > 0) call.stop = options.stop;
    if (options.tools !== undefined && options.tools.length > 0) call.tools = options.tools;
    if (options.toolChoice !== undefined) call.toolChoice = options.toolChoice;
    if (options.parallelToolCalls !== undefined) call.parallelToolCalls = options.parallelToolCalls;
    if (options.responseFormat !== undefined) call.responseFormat = options.responseFormat;
    // The client's sampling settings (a pass-through model's) win over the manifest's.
    const topP = options.topP ?? route.topP;
    const frequencyPenalty = options.frequencyPenalty ?? route.frequencyPenalty;
    const presencePenalty = options.presencePenalty ?? route.presencePenalty;
    if (topP !== undefined) call.topP = topP;
    if (frequencyPenalty !== undefined) call.frequencyPenalty = frequencyPenalty;
    if (presencePenalty !== undefined) call.presencePenalty = presencePenalty;
    if (options.providerOptions !== undefined) call.providerOptions = options.providerOptions;
    return { route: route as PreparedExecution['route'], call, startTime, startedAt };
  }

  /** Builds the response from a provider result and dispatches the completion event. */
  complete(prepared: PreparedExecution, result: ModelResult, options: ExecuteOptions, loop?: LoopOutcome): AgentResponse {
    const endTime = this.now();
    const durationMs = round(performance.now() - prepared.startedAt);
    const usage: AgentResponse['usage'] = {
      input_tokens: result.usage.inputTokens,
      output_tokens: result.usage.outputTokens,
      total_tokens: result.usage.inputTokens + result.usage.outputTokens,
    };
    if (result.usage.cacheReadInputTokens !== undefined) usage.cache_read_input_tokens = result.usage.cacheReadInputTokens;
    if (result.usage.cacheCreationInputTokens !== undefined) usage.cache_creation_input_tokens = result.usage.cacheCreationInputTokens;
    const response: AgentResponse = {
      request_id: options.requestId,
      agent: { name: prepared.route.agent.name, version: prepared.route.agent.version },
      output: result.text,
      ...(result.toolCalls !== undefined && result.toolCalls.length > 0 ? { tool_calls: result.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args })) } : {}),
      provider: result.provider,
      model: result.model,
      usage,
      finish_reason: result.finishReason,
      duration_ms: durationMs,
      fallback_used: result.fallbackUsed ?? false,
      attempts: result.attempts ?? 1,
      cached: false,
    };
    if (result.stopSequence !== undefined) response.stop_sequence = result.stopSequence;
    if (loop !== undefined) applyLoopOutcome(response, loop);
    this.deps.events.dispatch({
      type: 'agent.execution.complete',
      requestId: options.requestId,
      agent: prepared.route.agent,
      response,
      ...(options.userId !== undefined ? { userId: options.userId } : {}),
      startTime: prepared.startTime,
      endTime,
      duration: durationMs,
    });
    return response;
  }

  /** Dispatches the error event for a failed execution. */
  fail(prepared: PreparedExecution, error: unknown, input: string, context: ExecutionContext, options: ExecuteOptions): void {
    const errorTime = this.now();
    this.deps.events.dispatch({
      type: 'agent.execution.error',
      requestId: options.requestId,
      agent: prepared.route.agent,
      error: error instanceof Error ? error : new Error(String(error)),
      input,
      context,
      ...(options.userId !== undefined ? { userId: options.userId } : {}),
      startTime: prepared.startTime,
      errorTime,
      duration: round(performance.now() - prepared.startedAt),
    });
  }

  /** The agents (pass-through models are `models()`). */
  agents(): AgentDefinition[] {
    const agents: AgentDefinition[] = [];
    for (const route of this.deps.routes.values()) if (route.passThrough === undefined) agents.push(route.agent);
    return agents;
  }

  /** The pass-through models' routes (`models.<id>`), in config order. */
  models(): AgentRoute[] {
    const models: AgentRoute[] = [];
    for (const route of this.deps.routes.values()) if (route.passThrough !== undefined) models.push(route);
    return models;
  }
}

/** What the loop adds to a response: its reason, the calls for the client, the steps, a pause for approval. */
function applyLoopOutcome(response: AgentResponse, loop: LoopOutcome): void {
  response.finish_reason = loop.finishReason;
  if (loop.clientCalls.length > 0) response.tool_calls = loop.clientCalls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args }));
  else delete response.tool_calls;
  if (loop.pendingApproval.length > 0) {
    response.status = 'requires_action';
    response.pending_approval = loop.pendingApproval.map((call) => call.id);
  }
  if (loop.transcript.length > 0) response.steps = toAgentSteps(loop.transcript);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
