import type { AgentExtensions, AgentTool } from './agent-definition.js';
import { describeType, dig, isRecord, readNumber, readText, type FieldProblem, type JsonRecord } from './manifest-values.js';

/** Tools an extension may declare: more is not a tool list, it is a payload. */
const MAX_TOOLS = 128;

/**
 * Reads the vendor extensions the reference runtime honours (openstandardagents,
 * `src/services/runtime/anthropic.adapter.ts`: `extensions.anthropic.{model, system,
 * max_tokens, temperature, stop_sequences, tools}`; `openai.adapter.ts`:
 * `extensions.openai_agents.{model, instructions}`). An extension with `enabled: false` is
 * not read. Other keys of these extensions are reported by `findUnenforcedFields`.
 */
export function readExtensions(doc: JsonRecord): { extensions: AgentExtensions; errors: FieldProblem[] } {
  const errors: FieldProblem[] = [];
  const extensions: { anthropic?: AgentExtensions['anthropic']; openai?: AgentExtensions['openai'] } = {};

  const anthropic = dig(doc, 'extensions', 'anthropic');
  if (isRecord(anthropic) && anthropic['enabled'] !== false) {
    const at = (key: string): string[] => ['extensions', 'anthropic', key];
    const model = readText(anthropic['model'], at('model'), 'the model name', errors);
    const system = readText(anthropic['system'], at('system'), 'the system prompt', errors);
    const maxTokens = readNumber(anthropic['max_tokens'], at('max_tokens'), { min: 1, integer: true }, errors);
    // Anthropic's own range, not OpenAI's 0-2.
    const temperature = readNumber(anthropic['temperature'], at('temperature'), { min: 0, max: 1 }, errors);
    const stopSequences = readStrings(anthropic['stop_sequences'], at('stop_sequences'), errors);
    const tools = readAnthropicTools(anthropic['tools'], at('tools'), errors);
    extensions.anthropic = {
      ...(model !== undefined ? { model } : {}),
      ...(system !== undefined ? { system } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(stopSequences !== undefined ? { stopSequences } : {}),
      ...(tools !== undefined ? { tools } : {}),
    };
  }

  const openai = dig(doc, 'extensions', 'openai_agents');
  if (isRecord(openai) && openai['enabled'] !== false) {
    const model = readText(openai['model'], ['extensions', 'openai_agents', 'model'], 'the model name', errors);
    const instructions = readText(openai['instructions'], ['extensions', 'openai_agents', 'instructions'], 'the instructions', errors);
    extensions.openai = { ...(model !== undefined ? { model } : {}), ...(instructions !== undefined ? { instructions } : {}) };
  }
  return { extensions, errors };
}

/**
 * The tools an agent declares, in the reference runtime's order: `extensions.anthropic.tools`
 * first (they carry their `input_schema`), then each `spec.tools` entry of another name.
 */
export function mergeTools(extensionTools: readonly AgentTool[] | undefined, specTools: readonly AgentTool[]): AgentTool[] {
  const first = extensionTools ?? [];
  const names = new Set(first.map((tool) => tool.name));
  return [...first, ...specTools.filter((tool) => !names.has(tool.name))];
}

function readStrings(value: unknown, path: string[], errors: FieldProblem[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.length <= 16 && value.every((item) => typeof item === 'string' && item !== '')) return value as string[];
  errors.push({ path, message: `expected a list of at most 16 non-empty strings, got ${describeType(value)}` });
  return undefined;
}

function readAnthropicTools(value: unknown, path: string[], errors: FieldProblem[]): AgentTool[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > MAX_TOOLS) {
    errors.push({ path, message: `expected a list of at most ${MAX_TOOLS} tools {name, description, input_schema}, got ${describeType(value)}` });
    return undefined;
  }
  const tools: AgentTool[] = [];
  value.forEach((tool: unknown, i) => {
    const at = [...path, i];
    if (!isRecord(tool)) {
      errors.push({ path: at, message: `expected a tool {name, description, input_schema}, got ${describeType(tool)}` });
      return;
    }
    const name = tool['name'];
    // Anthropic's rule for tool names.
    if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
      errors.push({ path: [...at, 'name'], message: `expected a tool name of 1-64 letters, digits, "_" or "-", got ${describeType(name)}` });
      return;
    }
    const schema = tool['input_schema'];
    if (schema !== undefined && (!isRecord(schema) || (schema['type'] !== undefined && schema['type'] !== 'object'))) {
      errors.push({ path: [...at, 'input_schema'], message: 'expected a JSON Schema of type "object"' });
      return;
    }
    const description = typeof tool['description'] === 'string' ? tool['description'] : undefined;
    tools.push({ name, ...(description !== undefined ? { description } : {}), ...(isRecord(schema) ? { parameters: schema } : {}) });
  });
  return tools;
}
