import type { JsonSchema, ModelCall } from '../provider.js';

/** The tool a response format becomes on the Messages API, which has no response format of its own. */
export interface AnthropicFormatTool {
  readonly name: string;
  readonly description: string;
  /** The format's JSON Schema (its root must be an object, as for OpenAI's structured outputs). */
  readonly schema: JsonSchema;
}

const DEFAULT_DESCRIPTION = 'Give your final answer by calling this tool: its input is the answer, in the required JSON shape.';
const JSON_OBJECT_NAME = 'json_response';
const JSON_OBJECT_SCHEMA: JsonSchema = { type: 'object' };

/**
 * Structured output on Anthropic, through a forced tool: a `json_schema` (or `json_object`)
 * response format becomes one extra tool, named after the schema (`json_response` for
 * json_object; `_response` appended while a client tool has the name), whose input schema is
 * the format's. The request forces it (see `toAnthropicToolChoice`); the answer's `tool_use`
 * input comes back as the answer's text, not as a tool call. None when the call forces a tool
 * call of its own (`required`, a named tool): that turn answers with a call, not text.
 *
 * Decided from the call alone, so the request and the readers of its answer agree.
 */
export function anthropicFormatTool(call: ModelCall): AnthropicFormatTool | undefined {
  const format = call.responseFormat;
  if (format === undefined || format.type === 'text') return undefined;
  const tools = call.tools ?? [];
  if (tools.length > 0 && (call.toolChoice === 'required' || typeof call.toolChoice === 'object')) return undefined;
  let name = format.type === 'json_schema' ? toolName(format.name) : JSON_OBJECT_NAME;
  while (tools.some((tool) => tool.name === name)) name = `${name}_response`;
  return {
    name,
    description: (format.type === 'json_schema' ? format.description : undefined) ?? DEFAULT_DESCRIPTION,
    schema: format.type === 'json_schema' ? format.schema : JSON_OBJECT_SCHEMA,
  };
}

/** A schema name as a tool name (`^[a-zA-Z0-9_-]{1,64}$`). */
function toolName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return cleaned === '' ? JSON_OBJECT_NAME : cleaned;
}
