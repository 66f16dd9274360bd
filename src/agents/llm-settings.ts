import type { AgentLlmSettings } from './agent-definition.js';
import { readFallbackModels } from './fallback-models.js';
import { describeType, isRecord, readNumber, resolveLocalRef, type JsonRecord } from './manifest-values.js';
import { readRetryConfig } from './retry-config.js';

export interface LlmFinding {
  readonly settings: AgentLlmSettings;
  /** Where they were read: `spec.llm`, or `spec.model` when there is no `spec.llm`. */
  readonly base: readonly string[];
  readonly errors: readonly { readonly path: (string | number)[]; readonly message: string }[];
}

/** The key paths where the model settings may sit; placeholders are resolved only there. */
export const LLM_PATHS: readonly (readonly string[])[] = [
  ['spec', 'llm'],
  ['spec', 'model'],
];

/**
 * Reads the model settings from `spec.llm`, or from `spec.model` written as
 * `{provider, model | name, parameters: {temperature, maxTokens}}` (or as a model-name string,
 * or a local `$ref`): provider, model, temperature, max tokens, `topP`, frequency and presence
 * penalties (camelCase or snake_case), `fallback_models` and `retry_config`. Absent values
 * stay absent: the config defaults fill them in later.
 */
export function findLlmSettings(doc: JsonRecord): LlmFinding {
  const errors: { path: (string | number)[]; message: string }[] = [];
  const spec = isRecord(doc['spec']) ? doc['spec'] : {};
  let base: string[] = ['spec', 'llm'];
  let block: unknown = spec['llm'];
  if (block === undefined || block === null) {
    base = ['spec', 'model'];
    block = spec['model'];
  }
  if (block === undefined || block === null) return { settings: { fallbackModels: [] }, base, errors };
  if (typeof block === 'string') return { settings: { model: block, fallbackModels: [] }, base, errors };
  if (isRecord(block) && typeof block['$ref'] === 'string') {
    const target = resolveLocalRef(doc, block['$ref']);
    if (!isRecord(target)) {
      errors.push({ path: [...base, '$ref'], message: `"${block['$ref']}" does not point at a mapping in this document` });
      return { settings: { fallbackModels: [] }, base, errors };
    }
    block = { ...target, ...block };
  }
  if (!isRecord(block)) {
    errors.push({ path: base, message: `expected a mapping with provider and model, got ${describeType(block)}` });
    return { settings: { fallbackModels: [] }, base, errors };
  }

  const parameters = isRecord(block['parameters']) ? block['parameters'] : {};
  const pick = (...keys: string[]): { value: unknown; path: (string | number)[] } | undefined => {
    for (const key of keys) {
      if (block[key] !== undefined && block[key] !== null) return { value: block[key], path: [...base, key] };
      if (parameters[key] !== undefined && parameters[key] !== null) return { value: parameters[key], path: [...base, 'parameters', key] };
    }
    return undefined;
  };

  const text = (found: ReturnType<typeof pick>, what: string): string | undefined => {
    if (!found) return undefined;
    if (typeof found.value === 'string' && found.value.trim() !== '') return found.value.trim();
    errors.push({ path: found.path, message: `expected ${what} as a non-empty string, got ${describeType(found.value)}` });
    return undefined;
  };
  const provider = text(pick('provider'), 'the provider');
  const model = text(pick('model', 'name'), 'the model name');

  const number = (found: ReturnType<typeof pick>, bounds: Parameters<typeof readNumber>[2]): number | undefined =>
    found ? readNumber(found.value, found.path, bounds, errors) : undefined;
  const temperature = number(pick('temperature'), { min: 0, max: 2 });
  const maxTokens = number(pick('maxTokens', 'max_tokens'), { min: 1, integer: true });
  const topP = number(pick('topP', 'top_p'), { min: 0, max: 1 });
  const frequencyPenalty = number(pick('frequencyPenalty', 'frequency_penalty'), { min: -2, max: 2 });
  const presencePenalty = number(pick('presencePenalty', 'presence_penalty'), { min: -2, max: 2 });
  const fallbackModels = readFallbackModels(block['fallback_models'], [...base, 'fallback_models'], errors);
  const retry = readRetryConfig(block['retry_config'], [...base, 'retry_config'], errors);

  return {
    settings: {
      ...(provider !== undefined ? { provider } : {}),
      ...(model !== undefined ? { model } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(topP !== undefined ? { topP } : {}),
      ...(frequencyPenalty !== undefined ? { frequencyPenalty } : {}),
      ...(presencePenalty !== undefined ? { presencePenalty } : {}),
      fallbackModels,
      ...(retry ? { retry } : {}),
    },
    base,
    errors,
  };
}
