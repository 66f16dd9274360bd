import { isRecord } from '../../agents/manifest-values.js';
import type { JsonSchema } from '../../providers/provider.js';
import { toolIssue } from '../manifest-tool-entries.js';
import type { ManifestToolEntry, ServerTool, ToolKindHandler, ToolResolution } from '../server-tool.js';
import { argumentValidator } from '../tool-arguments.js';
import { toToolOutput, type ToolHandlers } from './tool-handler.js';

/** A tool that declares no parameters takes an object of anything. */
const ANY_OBJECT: JsonSchema = { type: 'object' };
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export interface FunctionToolOptions {
  /** Per-call timeout when the entry sets no `timeout_seconds` (ms). */
  readonly defaultTimeoutMs: number;
}

/**
 * The `function` kind (also entries without a `type`, as OSSA's earliest examples write them):
 * the tool's code is the handler registered under its name. A function tool without one is a
 * load problem, so the agent does not start rather than failing at its first call.
 */
export function functionToolKind(handlers: ToolHandlers, options: FunctionToolOptions): ToolKindHandler {
  return {
    kind: 'function',
    accepts: (entry) => entry.raw['type'] === 'function' || entry.raw['type'] === undefined,
    resolve: (entry) => resolveFunctionTool(entry, handlers, options),
  };
}

function resolveFunctionTool(entry: ManifestToolEntry, handlers: ToolHandlers, options: FunctionToolOptions): ToolResolution {
  const name = entry.raw['name'];
  if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
    return { problem: toolIssue(entry, `a function tool needs a name of letters, digits, "_" and "-" (at most 64), got ${JSON.stringify(name) ?? 'none'}`, 'name') };
  }
  const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
  if (typeof handler !== 'function') {
    return {
      problem: toolIssue(entry, `function tool "${name}" has no handler`, 'name', `register one: createGateway({ tools: { ${name}: async (args) => ... } }), or export "${name}" from the module tools.handlers_module names`),
    };
  }
  const schemaKey = entry.raw['input_schema'] !== undefined ? 'input_schema' : 'parameters';
  const schema = entry.raw[schemaKey] ?? ANY_OBJECT;
  if (!isRecord(schema)) return { problem: toolIssue(entry, 'expected a JSON Schema (a mapping)', schemaKey) };
  const compiled = argumentValidator(schema);
  if (compiled instanceof Error) return { problem: toolIssue(entry, `the schema does not compile: ${compiled.message}`, schemaKey) };
  const timeout = entry.raw['timeout_seconds'];
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0))) {
    return { problem: toolIssue(entry, `expected a number of seconds > 0, got ${JSON.stringify(timeout)}`, 'timeout_seconds') };
  }
  const description = entry.raw['description'];
  const tool: ServerTool = {
    kind: 'function',
    definition: { name, ...(typeof description === 'string' ? { description } : {}), parameters: schema },
    timeoutMs: typeof timeout === 'number' ? timeout * 1000 : options.defaultTimeoutMs,
    ...(entry.raw['read_only'] === true ? { readOnly: true } : {}),
    run: async (args, context) => toToolOutput(await handler(args, context)),
  };
  const tools = [tool];
  return { source: { tools: () => tools, unavailable: () => undefined } };
}
