import type { ResponseFormat, ToolChoice, ToolDefinition } from '../../providers/provider.js';
import { checkToolChoice, checkToolSet, responseSchema, toolDescription, toolName, toolParameters } from '../tool-input/client-tools.js';
import { InvalidFieldError, type FieldPath } from '../tool-input/invalid-field-error.js';
import { fromAnthropicCacheControl } from './from-anthropic-content.js';

/**
 * `tools`: client tools, `{"name", "description"?, "input_schema", "cache_control"?}` (a `type`
 * of `custom` or none). Anthropic's server tools (`web_search_20250305`, `bash_20250124`,
 * `text_editor_...`, `computer_...`) run inside Anthropic's API and no other provider has
 * them: refused naming the tool. Names unique, at most 128 tools.
 */
export function fromAnthropicTools(tools: readonly unknown[]): ToolDefinition[] {
  const definitions = tools.map((value: unknown, index): ToolDefinition => {
    const at = ['tools', index];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidFieldError(at, 'must be a tool object');
    const tool = value as Record<string, unknown>;
    const type = tool['type'];
    if (type !== undefined && type !== null && type !== 'custom') {
      throw new InvalidFieldError([...at, 'type'], `is ${JSON.stringify(type)}: Anthropic's server tools run inside Anthropic's API, not behind this gateway; offer a client tool with an input_schema`);
    }
    const name = toolName(tool['name'], [...at, 'name']);
    if (tool['input_schema'] === undefined || tool['input_schema'] === null) throw new InvalidFieldError([...at, 'input_schema'], 'is required: the JSON Schema of the tool\'s input');
    const parameters = toolParameters(tool['input_schema'], [...at, 'input_schema']);
    const description = toolDescription(tool['description'], [...at, 'description']);
    const cacheControl = fromAnthropicCacheControl(tool['cache_control'], [...at, 'cache_control']);
    const definition: { -readonly [K in keyof ToolDefinition]: ToolDefinition[K] } = { name, parameters };
    if (description !== undefined) definition.description = description;
    if (cacheControl !== undefined) definition.cacheControl = cacheControl;
    return definition;
  });
  checkToolSet(definitions, ['tools'], (index) => ['tools', index, 'name']);
  return definitions;
}

/** `tool_choice` as the common choice, and whether parallel calls are off (`disable_parallel_tool_use`). */
export interface AnthropicToolChoiceRead {
  readonly choice?: ToolChoice;
  readonly parallelToolCalls?: boolean;
}

/**
 * `tool_choice`: `{"type": "auto" | "any" | "tool" (with "name") | "none",
 * "disable_parallel_tool_use"?}`; `any` is "a tool must be called" (`required`). Checked
 * against the tools offered.
 */
export function fromAnthropicToolChoice(value: unknown, tools: readonly ToolDefinition[]): AnthropicToolChoiceRead {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidFieldError(['tool_choice'], 'must be an object such as {"type": "auto"}');
  const { type, name, disable_parallel_tool_use: serial } = value as Record<string, unknown>;
  if (serial !== undefined && serial !== null && typeof serial !== 'boolean') throw new InvalidFieldError(['tool_choice', 'disable_parallel_tool_use'], 'must be a boolean');
  let choice: ToolChoice;
  switch (type) {
    case 'auto':
      choice = 'auto';
      break;
    case 'any':
      choice = 'required';
      break;
    case 'none':
      choice = 'none';
      break;
    case 'tool':
      if (typeof name !== 'string' || name === '') throw new InvalidFieldError(['tool_choice', 'name'], 'is required with "type": "tool": the tool the model must call');
      choice = { name };
      break;
    default:
      throw new InvalidFieldError(['tool_choice', 'type'], `must be "auto", "any", "tool" or "none"; got ${JSON.stringify(type) ?? 'nothing'}`);
  }
  checkToolChoice(choice, tools, ['tool_choice'], ['tool_choice', 'name']);
  return { choice, ...(serial === true ? { parallelToolCalls: false } : {}) };
}

/**
 * `output_format`, or `output_config.format` (Anthropic's structured outputs; `at` says which):
 * `{"type": "json_schema", "schema"}`, the
 * shape the answer's text must take, as a response format for any provider (Anthropic's own
 * through a forced tool, see the adapter).
 */
export function fromAnthropicOutputFormat(value: unknown, at: FieldPath): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidFieldError(at, 'must be {"type": "json_schema", "schema": {...}}');
  const { type, schema } = value as Record<string, unknown>;
  if (type !== 'json_schema') throw new InvalidFieldError([...at, 'type'], `must be "json_schema"; got ${JSON.stringify(type) ?? 'nothing'}`);
  return { type: 'json_schema', name: 'output', schema: responseSchema(schema, [...at, 'schema']) };
}
