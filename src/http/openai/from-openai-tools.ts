import type { ResponseFormat, ToolChoice, ToolDefinition } from '../../providers/provider.js';
import { functionTool, jsonSchemaFormat } from '../tool-input/client-tools.js';
import { InvalidFieldError } from '../tool-input/invalid-field-error.js';

/** The most stop sequences OpenAI takes. */
export const MAX_STOP_SEQUENCES = 4;

/**
 * OpenAI `tools` as tool definitions: `{type: "function", function: {name, description?,
 * parameters?, strict?}}` each. A name is required (letters, digits, `_`, `-`, up to 64), the
 * parameters must be a JSON Schema of an object (absent: no parameters). Other tool types
 * (`custom`) are refused: no provider behind the gateway takes them.
 */
export function fromOpenAITools(tools: readonly unknown[]): ToolDefinition[] {
  return tools.map((tool, index) => {
    const at = ['tools', index];
    if (typeof tool !== 'object' || tool === null) throw new InvalidFieldError(at, 'must be a tool object');
    const { type, function: fn } = tool as Record<string, unknown>;
    if (type !== 'function') throw new InvalidFieldError([...at, 'type'], `must be "function"; got ${JSON.stringify(type)}`);
    if (typeof fn !== 'object' || fn === null) throw new InvalidFieldError([...at, 'function'], 'is required: the name, description and parameters of the tool');
    return functionTool(fn as Record<string, unknown>, [...at, 'function']);
  });
}

/** `tool_choice`: `none`, `auto`, `required`, or `{type: "function", function: {name}}`; null: not set. */
export function fromOpenAIToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'none' || choice === 'auto' || choice === 'required') return choice;
  if (typeof choice === 'string') throw new InvalidFieldError(['tool_choice'], `must be "none", "auto", "required" or a named function; got ${JSON.stringify(choice)}`);
  const { type, function: fn } = choice as Record<string, unknown>;
  if (type !== 'function') throw new InvalidFieldError(['tool_choice', 'type'], `must be "function"; got ${JSON.stringify(type)}`);
  const name = typeof fn === 'object' && fn !== null ? (fn as Record<string, unknown>)['name'] : undefined;
  if (typeof name !== 'string' || name === '') throw new InvalidFieldError(['tool_choice', 'function', 'name'], 'is required: the tool the model must call');
  return { name };
}

/**
 * `response_format`: `text` (the default), `json_object`, or `json_schema` with
 * `json_schema: {name, schema, strict?, description?}` (the schema must be a JSON Schema).
 * null: not set.
 */
export function fromOpenAIResponseFormat(format: unknown): ResponseFormat | undefined {
  if (format === undefined || format === null) return undefined;
  const { type, json_schema: spec } = format as Record<string, unknown>;
  switch (type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema':
      if (typeof spec !== 'object' || spec === null) throw new InvalidFieldError(['response_format', 'json_schema'], 'is required: the name and schema the answer must match');
      return jsonSchemaFormat(spec as Record<string, unknown>, ['response_format', 'json_schema']);
    default:
      throw new InvalidFieldError(['response_format', 'type'], `must be "text", "json_object" or "json_schema"; got ${JSON.stringify(type)}`);
  }
}

/** `stop`: one sequence or up to four; null or empty: none. */
export function fromOpenAIStop(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  const sequences = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(sequences)) throw new InvalidFieldError(['stop'], 'must be a string or an array of strings');
  if (sequences.length > MAX_STOP_SEQUENCES) throw new InvalidFieldError(['stop'], `has ${sequences.length} sequences; at most ${MAX_STOP_SEQUENCES} are allowed`);
  sequences.forEach((sequence: unknown, index) => {
    if (typeof sequence !== 'string' || sequence === '') throw new InvalidFieldError(['stop', index], 'must be a non-empty string');
  });
  return sequences.length === 0 ? undefined : (sequences as string[]);
}
