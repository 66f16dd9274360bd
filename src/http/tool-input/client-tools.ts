import type { AgentDefinition } from '../../agents/agent-definition.js';
import type { JsonSchema, ResponseFormat, ToolChoice, ToolDefinition } from '../../providers/provider.js';
import { InvalidFieldError, type FieldPath } from './invalid-field-error.js';
import { jsonSchemaIssue } from './json-schema-issue.js';

/** The most tools one request may offer (OpenAI's own limit). */
export const MAX_TOOLS = 128;

/** A tool name both OpenAI and Anthropic accept. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The parameters of a tool declared without any: it takes none. */
const NO_PARAMETERS: JsonSchema = Object.freeze({ type: 'object', properties: {} });

/** A tool's name, checked (`path`: the name's field). */
export function toolName(value: unknown, path: FieldPath): string {
  if (value === undefined || value === null || value === '') throw new InvalidFieldError(path, 'is required: every tool needs a name');
  if (typeof value !== 'string') throw new InvalidFieldError(path, 'must be a string');
  if (!TOOL_NAME.test(value)) throw new InvalidFieldError(path, `must be 1 to 64 letters, digits, "_" or "-"; got ${JSON.stringify(value.slice(0, 80))}`);
  return value;
}

/** A tool's parameters, checked to be a JSON Schema of an object; absent or null: no parameters. */
export function toolParameters(value: unknown, path: FieldPath): JsonSchema {
  if (value === undefined || value === null) return NO_PARAMETERS;
  const issue = jsonSchemaIssue(value);
  if (issue) throw new InvalidFieldError(path, issue);
  const type = (value as Record<string, unknown>)['type'];
  if (type !== 'object') throw new InvalidFieldError([...path, 'type'], `must be "object": a tool's arguments are a JSON object; got ${JSON.stringify(type) ?? 'nothing'}`);
  return value as JsonSchema;
}

/** An optional description: a string or nothing. */
export function toolDescription(value: unknown, path: FieldPath): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidFieldError(path, 'must be a string');
  return value;
}

/** The tool set as a whole: at most `MAX_TOOLS`, names unique. `nameAt(i)` is where tool `i`'s name sits. */
export function checkToolSet(tools: readonly ToolDefinition[], toolsPath: FieldPath, nameAt: (index: number) => FieldPath): void {
  if (tools.length > MAX_TOOLS) throw new InvalidFieldError(toolsPath, `offers ${tools.length} tools; at most ${MAX_TOOLS} are allowed`);
  const seen = new Map<string, number>();
  tools.forEach((tool, index) => {
    const earlier = seen.get(tool.name);
    if (earlier !== undefined) throw new InvalidFieldError(nameAt(index), `repeats the tool name ${JSON.stringify(tool.name)} of tool ${earlier}: tool names must be unique`);
    seen.set(tool.name, index);
  });
}

/**
 * No client tool may share a name with one the agent's manifest declares: the model could not
 * tell which one it calls (and the gateway's own tool loop runs the manifest's). Checked once
 * the caller may know the agent exists; the error names both.
 */
export function checkManifestClash(tools: readonly ToolDefinition[], agent: AgentDefinition, nameAt: (index: number) => FieldPath): void {
  if (tools.length === 0 || agent.tools.length === 0) return;
  agent.tools.forEach((declared, manifestIndex) => {
    const index = tools.findIndex((tool) => tool.name === declared.name);
    if (index === -1) return;
    throw new InvalidFieldError(
      nameAt(index),
      `names the tool ${JSON.stringify(declared.name)}, which agent "${agent.name}" declares in its manifest (spec.tools[${manifestIndex}]): a client tool must not share a name with the agent's own`,
    );
  });
}

/**
 * A tool choice against the tools offered: `required` and a named tool need tools, and the
 * named one must be among them (`path`: the choice's field, `namePath`: its tool name's).
 */
export function checkToolChoice(choice: ToolChoice, tools: readonly ToolDefinition[], path: FieldPath, namePath: FieldPath): void {
  if (choice === 'auto' || choice === 'none') return;
  if (tools.length === 0) throw new InvalidFieldError(path, `asks for a tool call (${JSON.stringify(choice)}) but the request offers no tools`);
  if (choice === 'required') return;
  if (!tools.some((tool) => tool.name === choice.name)) throw new InvalidFieldError(namePath, `names ${JSON.stringify(choice.name)}, which is not one of the request's tools`);
}

/** A response format's schema, checked to be a JSON Schema (`path`: its field). */
export function responseSchema(value: unknown, path: FieldPath): JsonSchema {
  if (value === undefined || value === null) throw new InvalidFieldError(path, 'is required: a json_schema response format needs the schema the answer must match');
  const issue = jsonSchemaIssue(value);
  if (issue) throw new InvalidFieldError(path, issue);
  return value as JsonSchema;
}

/**
 * A `json_schema` response format's fields, `{name, schema, strict?, description?}` (nested in
 * chat completions' `response_format.json_schema`, flat in the Responses API's `text.format`;
 * `path`: where they sit): a name of 1 to 64 letters, digits, `_` or `-`, a JSON Schema.
 */
export function jsonSchemaFormat(spec: Readonly<Record<string, unknown>>, path: FieldPath): Extract<ResponseFormat, { type: 'json_schema' }> {
  const { name, schema, strict, description } = spec;
  if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(name)) throw new InvalidFieldError([...path, 'name'], 'is required: 1 to 64 letters, digits, "_" or "-"');
  const checked = responseSchema(schema, [...path, 'schema']);
  if (strict !== undefined && strict !== null && typeof strict !== 'boolean') throw new InvalidFieldError([...path, 'strict'], 'must be a boolean');
  if (description !== undefined && description !== null && typeof description !== 'string') throw new InvalidFieldError([...path, 'description'], 'must be a string');
  return {
    type: 'json_schema', name, schema: checked,
    ...(typeof strict === 'boolean' ? { strict } : {}),
    ...(typeof description === 'string' ? { description } : {}),
  };
}

/**
 * A function tool's fields, `{name, description?, parameters?, strict?}` (nested in chat
 * completions' `tools[i].function`, flat in the Responses API's `tools[i]`; `path`: where they
 * sit), checked: `toolName`, `toolDescription`, `toolParameters`, `strict` a boolean if set.
 */
export function functionTool(definition: Readonly<Record<string, unknown>>, path: FieldPath): ToolDefinition {
  const name = toolName(definition['name'], [...path, 'name']);
  const description = toolDescription(definition['description'], [...path, 'description']);
  const parameters = toolParameters(definition['parameters'], [...path, 'parameters']);
  const strict = definition['strict'];
  if (strict !== undefined && strict !== null && typeof strict !== 'boolean') throw new InvalidFieldError([...path, 'strict'], 'must be a boolean');
  return { name, ...(description !== undefined ? { description } : {}), parameters, ...(typeof strict === 'boolean' ? { strict } : {}) };
}
