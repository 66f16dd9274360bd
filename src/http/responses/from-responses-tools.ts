import type { ResponseFormat, ToolChoice, ToolDefinition } from '../../providers/provider.js';
import { functionTool, jsonSchemaFormat } from '../tool-input/client-tools.js';
import { InvalidFieldError } from '../tool-input/invalid-field-error.js';

/** The tools OpenAI runs itself (and `custom`, free-form tools): none has a provider behind the gateway. */
const BUILT_IN_TOOLS = new Set([
  'web_search', 'web_search_preview', 'web_search_2025_08_26', 'web_search_preview_2025_03_11', 'file_search', 'computer', 'computer_use_preview',
  'code_interpreter', 'image_generation', 'local_shell', 'shell', 'apply_patch', 'mcp', 'tool_search', 'namespace',
]);

/**
 * Responses `tools` as tool definitions: the flat shape, `{type: "function", name,
 * description?, parameters, strict}`, checked as on chat completions (a name of letters,
 * digits, `_`, `-` up to 64; parameters a JSON Schema of an object, null: none). `strict` is
 * passed on when the client sets it. OpenAI's built-in tools (`web_search`, `file_search`,
 * `mcp`, ...) and `custom` tools are refused naming the tool: the gateway runs none of them.
 */
export function fromResponsesTools(tools: readonly unknown[]): ToolDefinition[] {
  return tools.map((tool, index) => {
    const at = ['tools', index];
    if (typeof tool !== 'object' || tool === null) throw new InvalidFieldError(at, 'must be a tool object');
    const definition = tool as Record<string, unknown>;
    const type = definition['type'];
    if (type !== 'function') {
      if (type === 'custom') throw new InvalidFieldError([...at, 'type'], 'is "custom": free-form custom tools are not supported (no provider behind the gateway takes them); declare a function tool');
      if (typeof type === 'string' && BUILT_IN_TOOLS.has(type)) {
        throw new InvalidFieldError([...at, 'type'], `is ${JSON.stringify(type)}, a tool OpenAI runs on its own servers: this gateway runs no built-in tools; declare a function tool and run it yourself`);
      }
      throw new InvalidFieldError([...at, 'type'], `must be "function"; got ${JSON.stringify(type)}`);
    }
    return functionTool(definition, at);
  });
}

/** `tool_choice`: `none`, `auto`, `required`, or `{type: "function", name}`; null: not set. OpenAI's other kinds are refused. */
export function fromResponsesToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'none' || choice === 'auto' || choice === 'required') return choice;
  if (typeof choice === 'string') throw new InvalidFieldError(['tool_choice'], `must be "none", "auto", "required" or a named function; got ${JSON.stringify(choice)}`);
  const { type, name } = choice as Record<string, unknown>;
  if (type === 'allowed_tools') throw new InvalidFieldError(['tool_choice', 'type'], 'is "allowed_tools", which is not supported: offer only the tools the model may call');
  if (type !== 'function') throw new InvalidFieldError(['tool_choice', 'type'], `must be "function": this gateway offers function tools only; got ${JSON.stringify(type)}`);
  if (typeof name !== 'string' || name === '') throw new InvalidFieldError(['tool_choice', 'name'], 'is required: the tool the model must call');
  return { name };
}

/**
 * `text.format`: `text` (the default), `json_object`, or `json_schema` in the flat shape
 * `{type: "json_schema", name, schema, strict?, description?}`. null: not set.
 */
export function fromResponsesTextFormat(format: unknown): ResponseFormat | undefined {
  if (format === undefined || format === null) return undefined;
  const at = ['text', 'format'];
  const { type } = format as Record<string, unknown>;
  switch (type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema':
      return jsonSchemaFormat(format as Record<string, unknown>, at);
    default:
      throw new InvalidFieldError([...at, 'type'], `must be "text", "json_object" or "json_schema"; got ${JSON.stringify(type)}`);
  }
}
