import { functionToolKind } from './function/function-tool-kind.js';
import type { ToolHandlers } from './function/tool-handler.js';
import { httpToolKind, type HttpToolKindOptions } from './http/http-tool-kind.js';
import type { SecretRedactor } from '../secrets/known-secrets.js';
import { McpConnectionManager } from './mcp/mcp-connection-manager.js';
import { mcpToolKind, type McpServerLookup } from './mcp/mcp-tool-kind.js';
import type { ToolKindHandler } from './server-tool.js';

/** What the tool kinds are built from: the config's `tools` section and the registered handlers. */
export interface ToolKindParts {
  readonly handlers: ToolHandlers;
  readonly defaultTimeoutMs: number;
  /** `tools.http` and where credentials come from; absent: http tools are not run (no kind accepts them). */
  readonly http?: Omit<HttpToolKindOptions, 'defaultTimeoutMs'>;
  /** The configured MCP servers (`mcp.servers`); absent: none, so an `mcp` tool names an unknown server. */
  readonly mcp?: McpServerLookup;
  /** Redacts MCP results (the loop redacts every result too). */
  readonly secrets?: SecretRedactor;
}

/**
 * The tool kinds the gateway runs, in the order they are asked: the first that accepts an
 * entry resolves it. A kind is one line here. A kind with a `close()` (the http kind's
 * connections) is closed with the pipeline (`closeToolKinds`).
 */
export function toolKinds(parts: ToolKindParts): ToolKindHandler[] {
  return [
    functionToolKind(parts.handlers, { defaultTimeoutMs: parts.defaultTimeoutMs }),
    parts.http && httpToolKind({ ...parts.http, defaultTimeoutMs: parts.defaultTimeoutMs }),
    mcpToolKind(parts.mcp ?? new McpConnectionManager({ servers: {} }), parts.secrets),
  ].filter((kind): kind is ToolKindHandler => kind !== undefined);
}

/** Closes what the kinds keep open (connections), for the kinds that keep anything. */
export async function closeToolKinds(kinds: readonly ToolKindHandler[]): Promise<void> {
  for (const kind of kinds) {
    const closable = kind as ToolKindHandler & { close?: () => Promise<void> };
    if (typeof closable.close === 'function') await closable.close();
  }
}
