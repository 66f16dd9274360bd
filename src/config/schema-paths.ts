import type { SchemaObject } from 'ajv';
import { isRecord } from './config-problem.js';

/** A key path in the config tree; `*` stands for any map key or array index. */
export type SchemaPath = readonly string[];

/**
 * Every path of `schema` whose own schema passes `test` (walking mappings, maps keyed by name
 * and arrays), so that a keyword on a key in `config-schema.ts` is all it takes for a later
 * step to treat it: `format: byte-size` (sizes normalized to bytes), `file` (resolved paths).
 *
 * @example
 * schemaPaths(OSSA_CONFIG_SCHEMA, (s) => s['format'] === 'byte-size'); // [['server', 'body_limit'], ...]
 */
export function schemaPaths(schema: SchemaObject, test: (schema: SchemaObject) => boolean, at: SchemaPath = []): SchemaPath[] {
  const found: SchemaPath[] = at.length > 0 && test(schema) ? [at] : [];
  if (isRecord(schema['properties'])) {
    for (const [key, child] of Object.entries(schema['properties'])) if (isRecord(child)) found.push(...schemaPaths(child, test, [...at, key]));
  }
  if (isRecord(schema['additionalProperties'])) found.push(...schemaPaths(schema['additionalProperties'], test, [...at, '*']));
  if (isRecord(schema['items'])) found.push(...schemaPaths(schema['items'], test, [...at, '*']));
  return found;
}
