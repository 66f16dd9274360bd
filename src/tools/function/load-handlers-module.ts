import { pathToFileURL } from 'node:url';
import type { SourceIssue } from '../../config/source-issue.js';
import type { ToolHandler, ToolHandlers } from './tool-handler.js';

/**
 * The handlers an ES module exports (`tools.handlers_module`): each exported function under
 * its export name, and the functions of a default-exported object. A module that does not load
 * is a problem at the config key: the gateway does not start with half its tools.
 */
export async function loadHandlersModule(file: string, source: string): Promise<{ handlers: ToolHandlers; problem?: SourceIssue }> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    return { handlers: {}, problem: { file: source, path: 'tools.handlers_module', message: `cannot load ${file}: ${error instanceof Error ? error.message : String(error)}` } };
  }
  const handlers: Record<string, ToolHandler> = {};
  const fallback = module['default'];
  if (typeof fallback === 'object' && fallback !== null) {
    for (const [name, value] of Object.entries(fallback)) if (typeof value === 'function') handlers[name] = value as ToolHandler;
  }
  for (const [name, value] of Object.entries(module)) if (name !== 'default' && typeof value === 'function') handlers[name] = value as ToolHandler;
  return { handlers };
}
