import type { ToolOutput, ToolRunContext } from '../server-tool.js';

/**
 * A `function` tool's code, registered under the tool's name: it gets the arguments, already
 * checked against the tool's schema, and answers with text, a `ToolOutput`, or any JSON value
 * (sent to the model as its JSON text). A throw is a tool error the model is told about.
 */
export type ToolHandler = (args: Readonly<Record<string, unknown>>, context: ToolRunContext) => unknown;

/** Handlers by tool name: `createGateway({ tools })`, or the exports of `tools.handlers_module`. */
export type ToolHandlers = Readonly<Record<string, ToolHandler>>;

/** What a handler returned, as the model will see it. */
export function toToolOutput(value: unknown): ToolOutput {
  if (typeof value === 'string') return { content: value };
  if (isToolOutput(value)) return value;
  if (value === undefined) return { content: '' };
  return { content: JSON.stringify(value) ?? '' };
}

function isToolOutput(value: unknown): value is ToolOutput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const content = (value as { content?: unknown }).content;
  return keys.every((key) => key === 'content' || key === 'isError') && (typeof content === 'string' || Array.isArray(content));
}
