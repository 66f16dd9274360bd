import type { ErrorObject, SchemaObject } from 'ajv';
import { didYouMean, isRecord, showValue, type ConfigProblem } from './config-problem.js';
import { suggest } from './did-you-mean.js';
import { BYTE_SIZE_EXPECTATION, DURATION_EXPECTATION } from './durations.js';

/**
 * Turns ajv's errors (compiled with `verbose: true`) into messages a user can act on:
 * `expected a number between 0 and 2, got "hot"`, `unknown key "timout"` with a suggestion,
 * `missing required key "limit"`. One problem per key path.
 */
export function schemaProblems(errors: readonly ErrorObject[], data: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const problem = toProblem(error, data);
    const id = `${problem.path.join('\u0000')}\u0000${problem.at ?? 'value'}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  return problems;
}

/** The phrase that completes "expected ..." for a schema. */
export function describeSchema(schema: SchemaObject): string {
  if (typeof schema['expected'] === 'string') return schema['expected'];
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.join(', ')}`;
  if (schema.format === 'duration') return DURATION_EXPECTATION;
  if (schema.format === 'byte-size') return BYTE_SIZE_EXPECTATION;
  switch (schema.type) {
    case 'integer':
      return `an integer${range(schema)}`;
    case 'number':
      return `a number${range(schema)}`;
    case 'string':
      return schema.minLength ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    default:
      return 'a valid value';
  }
}

function range(schema: SchemaObject): string {
  const { minimum, maximum, exclusiveMinimum } = schema as { minimum?: number; maximum?: number; exclusiveMinimum?: number };
  if (minimum !== undefined && maximum !== undefined) return ` between ${minimum} and ${maximum}`;
  if (exclusiveMinimum !== undefined) return ` greater than ${exclusiveMinimum}`;
  if (minimum !== undefined) return minimum === 0 ? ' of 0 or more' : ` of at least ${minimum}`;
  return '';
}

function toProblem(error: ErrorObject, data: unknown): ConfigProblem {
  const path = keyPath(error.instancePath, data);
  const parentSchema = (error.parentSchema ?? {}) as SchemaObject;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((parentSchema.properties ?? {}) as Record<string, unknown>);
      const close = suggest(key, known);
      return {
        path: [...path, key],
        at: 'key',
        message: `unknown key "${key}"`,
        hint: close ? didYouMean(close).hint : `known keys: ${known.join(', ')}`,
      };
    }
    case 'required': {
      const key = String((error.params as { missingProperty: string }).missingProperty);
      return { path: [...path, key], anchor: path, at: 'key', message: `missing required key "${key}"` };
    }
    case 'uniqueItems': {
      const { i, j } = error.params as { i: number; j: number };
      const items = Array.isArray(error.data) ? error.data : [];
      // Point at the later of the two equal entries, whichever order ajv names them in.
      const [first, second] = [Math.min(i, j), Math.max(i, j)];
      const entry = isSecret(parentSchema) ? 'entry' : `entry ${showValue(items[second])}`;
      return { path: [...path, second], message: `duplicate ${entry} (already at [${first}])` };
    }
    default: {
      const expected = describeSchema(parentSchema);
      if (isSecret(parentSchema)) return { path, message: `expected ${expected}, got ${describeSecret(error.data)}` };
      return { path, message: `expected ${expected}, got ${showValue(error.data)}`, ...hintFor(parentSchema, error.data) };
    }
  }
}

/** Values at keys marked `secret` in the schema may be keys: never quoted in a message. */
function isSecret(schema: SchemaObject): boolean {
  // `admin_keys: <key>` (a key where the list belongs) is as secret as each entry.
  return schema['secret'] === true || (typeof schema.items === 'object' && (schema.items as SchemaObject)['secret'] === true);
}

function describeSecret(value: unknown): string {
  return typeof value === 'string' ? `a string of ${value.length} characters (not shown: it may be a key)` : showValue(value);
}

function hintFor(schema: SchemaObject, value: unknown): { hint?: string } {
  if (typeof value !== 'string') return {};
  if (Array.isArray(schema.enum)) return didYouMean(suggest(value, schema.enum.map(String)));
  const types = ([] as unknown[]).concat(schema.type);
  if ((types.includes('number') || types.includes('integer')) && /^-?\d+(\.\d+)?$/.test(value.trim())) {
    return { hint: `write ${value.trim()} without quotes` };
  }
  if (types.includes('boolean') && /^(true|false|yes|no|on|off)$/i.test(value.trim())) {
    return { hint: 'write true or false, without quotes' };
  }
  if (types.includes('array')) return { hint: `write a list: [${JSON.stringify(value)}]` };
  return {};
}

/** `/providers/a~1b/circuit_breaker/fallback_providers/0` -> `['providers', 'a/b', ..., 0]`. */
function keyPath(pointer: string, data: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  if (pointer === '') return path;
  let node = data;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(part);
      path.push(index);
      node = node[index];
    } else {
      path.push(part);
      node = isRecord(node) ? node[part] : undefined;
    }
  }
  return path;
}
