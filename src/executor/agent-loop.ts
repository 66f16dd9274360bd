import type { ChatMessage, FinishReason, ModelCall, ModelResult, ToolCall, ToolDefinition, Usage } from '../providers/provider.js';
import { ProviderError } from '../providers/provider-error.js';
import type { SecretRedactor } from '../secrets/known-secrets.js';
import { runToolCall, type ToolCallReport } from '../tools/run-tool-call.js';
import type { ServerTool, ToolSource } from '../tools/server-tool.js';

/** Why a run ended: the model's own reason, or the limit that stopped it. */
export type LoopFinishReason = FinishReason | 'max_turns' | 'max_tool_calls' | 'timeout';

/** Between the texts of two turns, in the output and in a stream. */
export const TURN_SEPARATOR = '\n\n';

/** What one run may take. */
export interface LoopLimits {
  /** Model turns, at most (>= 1). */
  readonly maxTurns: number;
  /** Server tool calls in the whole run, at most; absent: no limit. */
  readonly maxToolCalls?: number;
  /** The whole run's deadline (epoch ms); absent: none. */
  readonly deadline?: number;
  /** Tool calls of one answer run at once, at most. */
  readonly concurrency: number;
  readonly maxResultBytes: number;
}

/** Told of every tool call as it starts and ends (events, audit, metrics, spans hang here). */
export interface ToolCallObserver {
  /** Returns what to call with the report when the call ends. */
  start(call: ToolCall, tool: ServerTool): (report: ToolCallReport) => void;
}

/**
 * One model turn, asked as the caller likes (a `complete`, or a `stream` whose text parts are
 * yielded as they come): yields text pieces, returns the whole answer.
 */
export type AskModel = (call: ModelCall, signal: AbortSignal) => AsyncGenerator<string, ModelResult, undefined>;

export interface AgentLoopRun {
  readonly ask: AskModel;
  /** The first turn's call: the prompt, and the client's own tools (which the client runs). */
  readonly call: ModelCall;
  readonly sources: readonly ToolSource[];
  readonly limits: LoopLimits;
  /** Server tools that are not run but wait for the client: all (`true`) or these names. */
  readonly approval: true | readonly string[];
  readonly signal: AbortSignal;
  readonly secrets: SecretRedactor;
  readonly now: () => number;
  readonly observer?: ToolCallObserver;
}

/** What the loop reports while it runs, in order. */
export type LoopStep =
  /** A piece of the current turn's text. */
  | { readonly type: 'text'; readonly text: string }
  /** A model turn is complete. */
  | { readonly type: 'turn'; readonly result: ModelResult }
  /** A server tool call starts. */
  | { readonly type: 'tool_call'; readonly call: ToolCall; readonly tool: ServerTool }
  /** A server tool call ended (in the order the calls end). */
  | { readonly type: 'tool_result'; readonly report: ToolCallReport };

export interface LoopOutcome {
  /** The last turn's answer, its usage and attempts summed over every turn. */
  readonly result: ModelResult;
  readonly finishReason: LoopFinishReason;
  /** What the run added to the conversation: each assistant turn and the tool results answering it. */
  readonly transcript: readonly ChatMessage[];
  /** The calls the client is to answer: its own tools' and those waiting for approval. */
  readonly clientCalls: readonly ToolCall[];
  /** The calls that wait for approval (also in `clientCalls`). */
  readonly pendingApproval: readonly ToolCall[];
  readonly turns: number;
  /** Server tool calls made. */
  readonly toolCalls: number;
}

/**
 * The agent loop: asks the model with the agent's server tools and the client's; runs every
 * server tool call of an answer (up to `concurrency` at once), appends the assistant turn and
 * the results, and asks again, until an answer calls no server tool. It ends early, with the
 * partial transcript and the limit as its reason, at `maxTurns`, at `maxToolCalls`, or at the
 * deadline; an answer that calls a client tool, or a tool waiting for approval, ends it so the
 * client can answer. A tool that fails is a tool result with `isError`, never a failed run; a
 * model turn that fails after the first (the deadline aside) fails the run, as a single call would.
 */
export async function* agentLoop(run: AgentLoopRun): AsyncGenerator<LoopStep, LoopOutcome, undefined> {
  const { limits } = run;
  const deadline = new RunTimer(limits.deadline, run.now);
  const signal = AbortSignal.any([run.signal, deadline.signal]);
  const clientTools = run.call.tools ?? [];
  const transcript: ChatMessage[] = [];
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let attempts = 0;
  let fallbackUsed = false;
  let last: ModelResult | undefined;
  let turns = 0;
  let toolCalls = 0;

  // Every turn's text, in order, a blank line between turns: what a streamed run showed.
  let output = '';
  const summed = (result: ModelResult): ModelResult => ({ ...result, text: output, usage, attempts, fallbackUsed });
  const end = (finishReason: LoopFinishReason, clientCalls: readonly ToolCall[] = [], pendingApproval: readonly ToolCall[] = []): LoopOutcome => ({
    result: summed(last!),
    finishReason,
    transcript,
    clientCalls,
    pendingApproval,
    turns,
    toolCalls,
  });

  try {
    for (;;) {
      if (run.signal.aborted) throw new ProviderError(`${run.call.meta.agent.name}: the run was stopped (the client went away)`, { provider: last?.provider ?? 'gateway', kind: 'aborted', retryable: false });
      const tools = currentTools(run.sources);
      const offered = offeredTools(tools, clientTools);
      const call: ModelCall = {
        ...run.call,
        messages: transcript.length === 0 ? run.call.messages : [...run.call.messages, ...transcript],
        ...(offered.length > 0 ? { tools: offered } : {}),
        meta: { ...run.call.meta, toolsCount: offered.length, ...(limits.deadline !== undefined ? { deadline: earliest(run.call.meta.deadline, limits.deadline) } : {}) },
      };
      let result: ModelResult;
      try {
        const turn = run.ask(call, signal);
        let piece = await turn.next();
        let separated = output === '';
        for (; !piece.done; piece = await turn.next()) {
          if (piece.value === '') continue;
          if (!separated) {
            separated = true;
            output += TURN_SEPARATOR;
            yield { type: 'text', text: TURN_SEPARATOR };
          }
          yield { type: 'text', text: piece.value };
        }
        result = piece.value;
        if (result.text !== '') output = output === '' ? result.text : separated ? `${output}${result.text}` : `${output}${TURN_SEPARATOR}${result.text}`;
      } catch (error) {
        // Past the deadline after the first turn, the partial run is the answer.
        if (last !== undefined && deadline.passed()) return end('timeout');
        throw error;
      }
      turns += 1;
      last = result;
      usage = addUsage(usage, result.usage);
      attempts += result.attempts ?? 1;
      fallbackUsed ||= result.fallbackUsed === true;
      yield { type: 'turn', result };

      const calls = result.toolCalls ?? [];
      if (calls.length === 0) return end(result.finishReason);
      transcript.push({ role: 'assistant', content: result.text, toolCalls: calls });

      const server = calls.filter((c) => tools.has(c.name) || !clientTools.some((t) => t.name === c.name));
      const clientCalls = calls.filter((c) => !server.includes(c));
      const pending = server.filter((c) => tools.has(c.name) && needsApproval(run.approval, c.name));
      const runnable = server.filter((c) => !pending.includes(c));
      if (limits.maxToolCalls !== undefined && toolCalls + runnable.length > limits.maxToolCalls) {
        transcript.pop();
        return end('max_tool_calls');
      }
      toolCalls += runnable.length;
      const reports = yield* runCalls(runnable, tools, run, signal);
      // In the order of the calls, as the wire formats want the results.
      for (const report of reports) transcript.push(report.message);
      if (deadline.passed()) return end('timeout');
      if (clientCalls.length > 0 || pending.length > 0) return end('tool_calls', [...pending, ...clientCalls], pending);
      if (turns >= limits.maxTurns) return end('max_turns');
    }
  } finally {
    deadline.clear();
  }
}

/** Runs an answer's server calls, `concurrency` at a time, yielding each start and each result as it comes; returns the reports in call order. */
async function* runCalls(calls: readonly ToolCall[], tools: ReadonlyMap<string, ServerTool>, run: AgentLoopRun, signal: AbortSignal): AsyncGenerator<LoopStep, ToolCallReport[], undefined> {
  const reports: ToolCallReport[] = new Array<ToolCallReport>(calls.length);
  const running = new Map<number, Promise<{ index: number; report: ToolCallReport }>>();
  let next = 0;
  const settings = {
    requestId: run.call.meta.requestId,
    agent: run.call.meta.agent.name,
    ...(run.call.meta.userId !== undefined ? { userId: run.call.meta.userId } : {}),
    signal,
    ...(run.limits.deadline !== undefined ? { runDeadline: run.limits.deadline } : {}),
    maxResultBytes: run.limits.maxResultBytes,
    secrets: run.secrets,
    now: run.now,
  };
  while (next < calls.length || running.size > 0) {
    while (next < calls.length && running.size < Math.max(1, run.limits.concurrency)) {
      const index = next++;
      const call = calls[index]!;
      const tool = tools.get(call.name) ?? missingTool(call.name, run.sources);
      yield { type: 'tool_call', call, tool };
      const ended = run.observer?.start(call, tool);
      running.set(index, runToolCall(tool, call, settings).then((report) => {
        ended?.(report);
        return { index, report };
      }));
    }
    const { index, report } = await Promise.race(running.values());
    running.delete(index);
    reports[index] = report;
    yield { type: 'tool_result', report };
  }
  return reports;
}

/** The server tools that can be offered now, by name (the first source to name a tool wins). */
function currentTools(sources: readonly ToolSource[]): Map<string, ServerTool> {
  const tools = new Map<string, ServerTool>();
  for (const source of sources) for (const tool of source.tools()) if (!tools.has(tool.definition.name)) tools.set(tool.definition.name, tool);
  return tools;
}

/** The agent's tools, then the client's of other names. */
function offeredTools(tools: ReadonlyMap<string, ServerTool>, client: readonly ToolDefinition[]): ToolDefinition[] {
  const offered = [...tools.values()].map((tool) => tool.definition);
  for (const tool of client) if (!tools.has(tool.name)) offered.push(tool);
  return offered;
}

function needsApproval(approval: true | readonly string[], name: string): boolean {
  return approval === true || approval.includes(name);
}

const MISSING = new WeakSet<ServerTool>();

/** The stand-in for a tool the model called that the agent does not have (its name is the model's: no metric label). */
export function isMissingTool(tool: ServerTool): boolean {
  return MISSING.has(tool);
}

/** A call of a tool that is neither the agent's (now) nor the client's: the model is told so. */
function missingTool(name: string, sources: readonly ToolSource[]): ServerTool {
  const why = sources.map((source) => source.unavailable()).find((reason) => reason !== undefined);
  const tool: ServerTool = {
    kind: 'function',
    definition: { name, parameters: { type: 'object' } },
    timeoutMs: 1,
    run: () => Promise.reject(new Error(why ? `the tool is not available now: ${why}` : 'there is no tool of that name')),
  };
  MISSING.add(tool);
  return tool;
}

function addUsage(a: Usage, b: Usage): Usage {
  const sum: { -readonly [K in keyof Usage]: Usage[K] } = { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
  const read = (a.cacheReadInputTokens ?? 0) + (b.cacheReadInputTokens ?? 0);
  const created = (a.cacheCreationInputTokens ?? 0) + (b.cacheCreationInputTokens ?? 0);
  if (read > 0) sum.cacheReadInputTokens = read;
  if (created > 0) sum.cacheCreationInputTokens = created;
  return sum;
}

function earliest(a: number | undefined, b: number): number {
  return a === undefined ? b : Math.min(a, b);
}

/** The run's deadline as a signal (aborts every model call and tool call in flight when it passes). */
class RunTimer {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deadline: number | undefined,
    private readonly now: () => number,
  ) {
    if (deadline !== undefined) this.#timer = setTimeout(() => this.#controller.abort(new Error('the run deadline passed')), Math.max(0, deadline - now()));
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  passed(): boolean {
    return this.deadline !== undefined && (this.#controller.signal.aborted || this.now() >= this.deadline);
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}
