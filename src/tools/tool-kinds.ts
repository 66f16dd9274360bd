import { functionToolKind } from './function/function-tool-kind.js';
import type { ToolHandlers } from './function/tool-handler.js';
import type { ToolKindHandler } from './server-tool.js';

/** What the tool kinds are built from: the config's `tools` section and the registered handlers. */
export interface ToolKindParts {
  readonly handlers: ToolHandlers;
  readonly defaultTimeoutMs: number;
}

/**
 * The tool kinds the gateway runs, in the order they are asked: the first that accepts an
 * entry resolves it. A kind is one line here.
 */
export function toolKinds(parts: ToolKindParts): ToolKindHandler[] {
  return [
    functionToolKind(parts.handlers, { defaultTimeoutMs: parts.defaultTimeoutMs }),
  ];
}
