import type { AgentResponse } from './agent-response.js';

/**
 * The answer is on its way: who answers it. The first event of every stream, sent once the
 * first upstream part is known (or the cache found the answer), so the provider it names is
 * the one that actually serves, after any retry or fallback.
 */
export interface AgentStreamStart {
  readonly type: 'start';
  readonly request_id: string;
  readonly agent: AgentResponse['agent'];
  /** The configured provider answering (a fallback's name after a fallback). */
  readonly provider: string;
  /** The model asked of it (the upstream may report a more specific one in `done`). */
  readonly model: string;
  readonly cached: boolean;
}

/** A piece of the answer, in order; joined, the deltas are the whole output. */
export interface AgentStreamDelta {
  readonly type: 'delta';
  readonly text: string;
}

/**
 * A tool call the answer asks for begins: `index` is its position among the answer's tool
 * calls, carried by its later events, so parallel calls stay apart in one stream.
 */
export interface AgentStreamToolCallStart {
  readonly type: 'tool_call_start';
  readonly index: number;
  readonly id: string;
  readonly name: string;
}

/** More of the arguments of the tool call at `index` (JSON text in pieces). */
export interface AgentStreamToolCallDelta {
  readonly type: 'tool_call_delta';
  readonly index: number;
  readonly arguments: string;
}

/** The tool call at `index` is complete; `done`'s `tool_calls` has it whole. */
export interface AgentStreamToolCallEnd {
  readonly type: 'tool_call_end';
  readonly index: number;
}

/** The gateway runs a server tool call the model asked for (the agent loop); the client runs nothing. */
export interface AgentStreamToolRun {
  readonly type: 'tool_run';
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
  readonly kind: string;
}

/** A server tool call ended: what the model is sent back (bounded, redacted). */
export interface AgentStreamToolResult {
  readonly type: 'tool_result';
  readonly tool_call_id: string;
  readonly name: string;
  readonly content: string;
  readonly is_error: boolean;
  readonly duration_ms: number;
}

/** The answer is complete: the response as `execute` would have returned it (its `output` is the joined deltas). */
export interface AgentStreamDone {
  readonly type: 'done';
  readonly response: AgentResponse;
}

/**
 * What `executeStream` yields: one `start`, zero or more `delta`s and tool-call events, one `done`. A failure is
 * thrown from the iterator instead of `done`: before `start` when nothing was produced (so
 * the caller can still answer with an error status), after it when the upstream failed
 * midway.
 */
export type AgentStreamEvent =
  | AgentStreamStart
  | AgentStreamDelta
  | AgentStreamToolCallStart
  | AgentStreamToolCallDelta
  | AgentStreamToolCallEnd
  | AgentStreamToolRun
  | AgentStreamToolResult
  | AgentStreamDone;
