import Ajv from 'ajv';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../json-depth.js';

// One validator of the draft-07 meta-schema, compiled once: it checks that a client's schema
// is a schema (types, `properties` an object of schemas, `required` an array of strings...)
// without compiling the client's schema itself. Keywords of later drafts (`$defs`,
// `prefixItems`) are unknown to draft-07 and allowed, as the meta-schema allows them.
const ajv = new Ajv.default({ strict: false, validateSchema: false, allErrors: false });
const isDraft07Schema = ajv.getSchema('http://json-schema.org/draft-07/schema')!;

/**
 * Why `value` is not a JSON Schema object (a tool's parameters, a response format's schema),
 * as the end of a sentence after the field's name; undefined when it is one. Nested deeper
 * than `MAX_JSON_DEPTH` is refused too: the cache key and the adapters walk it.
 *
 * @example
 * jsonSchemaIssue({ type: 'object', properties: { id: { type: 'strin' } } });
 * // 'is not a JSON Schema: /properties/id/type must be equal to one of the allowed values'
 */
export function jsonSchemaIssue(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON Schema object';
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) return `is nested more than ${MAX_JSON_DEPTH} levels deep`;
  if (isDraft07Schema(value)) return undefined;
  const first = isDraft07Schema.errors?.[0];
  return `is not a JSON Schema: ${first ? `${first.instancePath || '(the schema)'} ${first.message ?? 'is invalid'}` : 'invalid'}`;
}
