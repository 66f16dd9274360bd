import type { FallbackModel, FallbackTrigger } from './agent-definition.js';
import { describeType, isRecord, readNumber, readText, type FieldProblem } from './manifest-values.js';

/** `condition:` as the reference runtime's types write it, instead of a `trigger` mapping. */
const CONDITIONS = ['on_error', 'on_rate_limit', 'on_timeout'] as const;

/**
 * Reads `llm.fallback_models`: `[{provider, model?, temperature?, maxTokens?, trigger? |
 * condition?}]`. `trigger` is the official schema's `{on_error, on_rate_limit, error_codes,
 * latency_threshold_ms, max_retries}` (plus `on_timeout`); `condition: on_error |
 * on_rate_limit | on_timeout` (OSSA's generated types, and real manifests) is the same as a
 * trigger with that one flag.
 */
export function readFallbackModels(value: unknown, base: (string | number)[], errors: FieldProblem[]): FallbackModel[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.push({ path: base, message: `expected a list of {provider, model}, got ${describeType(value)}` });
    return [];
  }
  const models: FallbackModel[] = [];
  value.forEach((entry: unknown, i) => {
    const at = [...base, i];
    if (!isRecord(entry)) {
      errors.push({ path: at, message: `expected {provider, model}, got ${describeType(entry)}` });
      return;
    }
    const before = errors.length;
    const provider = readText(entry['provider'], [...at, 'provider'], 'a provider name', errors);
    if (provider === undefined && errors.length === before) errors.push({ path: [...at, 'provider'], message: 'expected a provider name' });
    if (entry['model'] !== undefined && typeof entry['model'] !== 'string') {
      errors.push({ path: [...at, 'model'], message: `expected a model name, got ${describeType(entry['model'])}` });
    }
    const model = readText(entry['model'], [...at, 'model'], 'a model name', []);
    const temperature = readNumber(entry['temperature'], [...at, 'temperature'], { min: 0, max: 2 }, errors);
    const tokensKey = entry['maxTokens'] !== undefined ? 'maxTokens' : 'max_tokens';
    const maxTokens = readNumber(entry[tokensKey], [...at, tokensKey], { min: 1, integer: true }, errors);
    const trigger = readTrigger(entry, at, errors);
    if (errors.length > before || provider === undefined) return;
    models.push({
      provider,
      ...(model !== undefined ? { model } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(trigger ? { trigger } : {}),
    });
  });
  return models;
}

function readTrigger(entry: Record<string, unknown>, at: (string | number)[], errors: FieldProblem[]): FallbackTrigger | undefined {
  const condition = entry['condition'];
  const trigger = entry['trigger'];
  if (condition !== undefined && condition !== null) {
    if (typeof condition !== 'string' || !(CONDITIONS as readonly string[]).includes(condition)) {
      errors.push({ path: [...at, 'condition'], message: `expected one of ${CONDITIONS.join(', ')}, got ${describeType(condition)}` });
      return undefined;
    }
    if (trigger !== undefined && trigger !== null) {
      errors.push({ path: [...at, 'condition'], message: 'set either condition or trigger, not both' });
      return undefined;
    }
    return { onError: condition === 'on_error', onRateLimit: condition === 'on_rate_limit', onTimeout: condition === 'on_timeout', errorCodes: [] };
  }
  if (trigger === undefined || trigger === null) return undefined;
  const base = [...at, 'trigger'];
  if (!isRecord(trigger)) {
    errors.push({ path: base, message: `expected a mapping {on_error, on_rate_limit, error_codes, latency_threshold_ms}, got ${describeType(trigger)}` });
    return undefined;
  }
  const flag = (key: string): boolean | undefined => {
    const v = trigger[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    errors.push({ path: [...base, key], message: `expected true or false, got ${describeType(v)}` });
    return undefined;
  };
  const onRateLimit = flag('on_rate_limit');
  const onTimeout = flag('on_timeout');
  let errorCodes: number[] = [];
  const codes = trigger['error_codes'];
  if (codes !== undefined && codes !== null) {
    if (Array.isArray(codes) && codes.every((code) => Number.isInteger(code) && code >= 100 && code <= 599)) errorCodes = codes as number[];
    else errors.push({ path: [...base, 'error_codes'], message: `expected a list of HTTP statuses (100-599), got ${describeType(codes)}` });
  }
  // Naming some failures means "only those": `on_error` is then off unless it is set.
  const narrowed = onRateLimit === true || onTimeout === true || errorCodes.length > 0;
  const onError = flag('on_error') ?? !narrowed;
  const latencyThresholdMs = readNumber(trigger['latency_threshold_ms'], [...base, 'latency_threshold_ms'], { min: 1, integer: true }, errors);
  const maxRetries = readNumber(trigger['max_retries'], [...base, 'max_retries'], { min: 0, max: 10, integer: true }, errors);
  return {
    onError,
    onRateLimit: onRateLimit ?? false,
    onTimeout: onTimeout ?? false,
    errorCodes,
    ...(latencyThresholdMs !== undefined ? { latencyThresholdMs } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
  };
}
