import { functionToolKind } from './function/function-tool-kind.js';
import type { ToolHandlers } from './function/tool-handler.js';
import type { SecretRedactor } from '../secrets/known-secrets.js';
import { McpConnectionManager } from './mcp/mcp-connection-manager.js';
import { mcpToolKind, type McpServerLookup } from './mcp/mcp-tool-kind.js';
import type { ToolKindHandler } from './server-tool.js';

/** What the tool kinds are built from: the config's `tools` section and the registered handlers. */
export interface ToolKindParts {
  readonly handlers: ToolHandlers;
  readonly defaultTimeoutMs: number;
  /** The configured MCP servers (`mcp.servers`); absent: none, so an `mcp` tool names an unknown server. */
  readonly mcp?: McpServerLookup;
  /** Redacts MCP results (the loop redacts every result too). */
  readonly secrets?: SecretRedactor;
}

/**
 * The tool kinds the gateway runs, in the order they are asked: the first that accepts an
 * entry resolves it. A kind is one line here.
 */
export function toolKinds(parts: ToolKindParts): ToolKindHandler[] {
  return [
    functionToolKind(parts.handlers, { defaultTimeoutMs: parts.defaultTimeoutMs }),
    mcpToolKind(parts.mcp ?? new McpConnectionManager({ servers: {} }), parts.secrets),
  ];
}
