import type { AgentLlmSettings } from './agent-definition.js';
import { describeType, isRecord, resolveLocalRef, type JsonRecord } from './manifest-values.js';

export interface LlmFinding {
  readonly settings: AgentLlmSettings;
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
 * or a local `$ref`). Absent values stay absent: the config defaults fill them in later.
 */
export function findLlmSettings(doc: JsonRecord): LlmFinding {
  const errors: { path: (string | number)[]; message: string }[] = [];
  const spec = isRecord(doc['spec']) ? doc['spec'] : {};
  let base: (string | number)[] = ['spec', 'llm'];
  let block: unknown = spec['llm'];
  if (block === undefined || block === null) {
    base = ['spec', 'model'];
    block = spec['model'];
  }
  if (block === undefined || block === null) return { settings: { fallbackModels: [] }, errors };
  if (typeof block === 'string') return { settings: { model: block, fallbackModels: [] }, errors };
  if (isRecord(block) && typeof block['$ref'] === 'string') {
    const target = resolveLocalRef(doc, block['$ref']);
    if (!isRecord(target)) {
      errors.push({ path: [...base, '$ref'], message: `"${block['$ref']}" does not point at a mapping in this document` });
      return { settings: { fallbackModels: [] }, errors };
    }
    block = { ...target, ...block };
  }
  if (!isRecord(block)) {
    errors.push({ path: base, message: `expected a mapping with provider and model, got ${describeType(block)}` });
    return { settings: { fallbackModels: [] }, errors };
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

  let temperature: number | undefined;
  const temperatureFound = pick('temperature');
  if (temperatureFound) {
    const value = temperatureFound.value;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 2) temperature = value;
    else errors.push({ path: temperatureFound.path, message: `expected a number between 0 and 2, got ${describeType(value)}` });
  }

  let maxTokens: number | undefined;
  const maxTokensFound = pick('maxTokens', 'max_tokens');
  if (maxTokensFound) {
    const value = maxTokensFound.value;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1) maxTokens = value;
    else errors.push({ path: maxTokensFound.path, message: `expected a whole number >= 1, got ${describeType(value)}` });
  }

  const fallbackModels: { provider: string; model?: string }[] = [];
  const fallbacks = block['fallback_models'];
  if (fallbacks !== undefined && fallbacks !== null) {
    if (!Array.isArray(fallbacks)) {
      errors.push({ path: [...base, 'fallback_models'], message: `expected a list of {provider, model}, got ${describeType(fallbacks)}` });
    } else {
      fallbacks.forEach((entry: unknown, i) => {
        const entryProvider = isRecord(entry) ? entry['provider'] : undefined;
        const entryModel = isRecord(entry) ? entry['model'] : undefined;
        if (typeof entryProvider !== 'string' || entryProvider.trim() === '') {
          errors.push({ path: [...base, 'fallback_models', i, 'provider'], message: 'expected a provider name' });
          return;
        }
        if (entryModel !== undefined && typeof entryModel !== 'string') {
          errors.push({ path: [...base, 'fallback_models', i, 'model'], message: `expected a model name, got ${describeType(entryModel)}` });
          return;
        }
        fallbackModels.push(entryModel ? { provider: entryProvider.trim(), model: entryModel.trim() } : { provider: entryProvider.trim() });
      });
    }
  }

  return {
    settings: {
      ...(provider !== undefined ? { provider } : {}),
      ...(model !== undefined ? { model } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      fallbackModels,
    },
    errors,
  };
}
