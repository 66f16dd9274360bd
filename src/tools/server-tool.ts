import type { SourceIssue } from '../config/source-issue.js';
import type { ContentPart, ToolDefinition } from '../providers/provider.js';

/*
 * The contract between the agent loop (which offers tools to the model and runs the calls it
 * asks for) and the tool kinds (function handlers, http endpoints, MCP servers). The loop knows
 * only these types; each kind lives in its own folder under `src/tools/` and is one entry in the
 * kind registry the gateway builds.
 */

/** The manifest tool kinds the gateway can run itself. */
export type ServerToolKind = 'function' | 'http' | 'mcp';

/** A tool the gateway runs on its own side, offered to the model under `definition.name`. */
export interface ServerTool {
  readonly kind: ServerToolKind;
  /** What the model sees: name, description, the JSON Schema of the arguments. */
  readonly definition: ToolDefinition;
  /** The tool only reads (a run that used only read-only tools may be cached, see `cache_tool_runs`). */
  readonly readOnly?: boolean;
  /** Per-call timeout (ms): `tools[].timeout_seconds`, else the config default. */
  readonly timeoutMs: number;
  /**
   * Runs one call. `args` has already been parsed and validated against
   * `definition.parameters` by the loop. A throw or a rejection becomes a tool result with
   * `isError` (its message, bounded and redacted); so does a run past `timeoutMs` or the
   * signal. Must stop work when `context.signal` aborts.
   */
  run(args: Readonly<Record<string, unknown>>, context: ToolRunContext): Promise<ToolOutput>;
}

/** Who is calling, and the signal that ends the call (client gone, tool timeout, run deadline). */
export interface ToolRunContext {
  readonly signal: AbortSignal;
  readonly requestId: string;
  readonly agent: string;
  /** The model's id of this call (`ToolCall.id`). */
  readonly callId: string;
  readonly userId?: string;
  /** Absolute deadline (epoch ms) of this call. */
  readonly deadline: number;
}

/** What a tool gives back to the model. */
export interface ToolOutput {
  readonly content: string | readonly ContentPart[];
  /** The tool says it failed (an MCP `isError` result, an http error status). */
  readonly isError?: boolean;
}

/**
 * One `spec.tools[]` entry of a manifest as the loader read it: the raw mapping (unknown keys
 * kept: kinds read their own) and where it is, for positioned load errors.
 */
export interface ManifestToolEntry {
  /** Index in `spec.tools`. */
  readonly index: number;
  readonly raw: Readonly<Record<string, unknown>>;
  readonly source: { readonly file: string; readonly line?: number; readonly column?: number };
}

/**
 * The tools one manifest entry gives an agent. `tools()` is read at every model turn, so a
 * kind whose list can change while the gateway runs (an MCP server's `list_changed`, a server
 * that reconnected) answers with what is true now; `unavailable` says why there are none at
 * the moment (the readiness route and the run's error name it).
 */
export interface ToolSource {
  tools(): readonly ServerTool[];
  unavailable(): string | undefined;
}

/** What a kind made of one entry: its tools, or a positioned problem (the agent does not start). */
export type ToolResolution = { readonly source: ToolSource } | { readonly problem: SourceIssue };

/** One tool kind: turns manifest entries of its kind into tools. */
export interface ToolKindHandler {
  readonly kind: ServerToolKind;
  /** True for the entries this kind handles (`type: mcp`, `type: http` or `api`, ...). */
  accepts(entry: ManifestToolEntry): boolean;
  resolve(entry: ManifestToolEntry, agent: string): ToolResolution;
}
