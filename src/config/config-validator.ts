import { Ajv, type SchemaObject, type ValidateFunction } from 'ajv';
import { isRecord, type ConfigProblem } from './config-problem.js';
import { OSSA_CONFIG_SCHEMA } from './config-schema.js';
import { byteSize, durationMs } from './durations.js';
import { schemaProblems } from './schema-problems.js';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({
    allErrors: true,
    useDefaults: true,
    removeAdditional: false,
    coerceTypes: false,
    strict: true,
    // `port: 8080` or `interval: "1 hour"`: a few keys take a number or a string.
    allowUnionTypes: true,
    // Errors carry the offending value and schema, so messages can say what was expected.
    verbose: true,
  });
  ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });
  // Marks a value that may be a key: error messages describe it without quoting it.
  ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
  // Marks a file or directory: `normalizeValues` resolves it against the config file's directory.
  ajv.addKeyword({ keyword: 'file', schemaType: 'boolean' });
  ajv.addFormat('duration', { type: 'string', validate: (value: string) => (durationMs(value) ?? 0) > 0 });
  ajv.addFormat('byte-size', { type: 'string', validate: (value: string) => (byteSize(value) ?? 0) >= 1 });
  compiled = ajv.compile(OSSA_CONFIG_SCHEMA);
  return compiled;
}

/**
 * Validates the `ossa:` tree in place: fills in defaults (see `OSSA_CONFIG_SCHEMA`) and returns
 * every schema problem. Beforehand, a key written without a value (`cache: ~`) counts as not
 * written, so its defaults apply, unless the key is required; an empty entry of a map keyed by
 * name (`providers: {echo: ~}`) becomes an empty mapping.
 */
export function validateConfigTree(tree: Record<string, unknown>): ConfigProblem[] {
  dropNulls(tree, OSSA_CONFIG_SCHEMA);
  const validate = validator();
  if (validate(tree)) return [];
  return schemaProblems(validate.errors ?? [], tree);
}

function dropNulls(value: unknown, schema: SchemaObject | undefined): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    const items = schema.items as SchemaObject | undefined;
    for (const item of value) dropNulls(item, items);
    return;
  }
  if (!isRecord(value)) return;
  const properties = (schema.properties ?? {}) as Record<string, SchemaObject>;
  const required = (schema.required ?? []) as string[];
  const additional = isRecord(schema.additionalProperties) ? (schema.additionalProperties as SchemaObject) : undefined;
  for (const [key, child] of Object.entries(value)) {
    const childSchema = properties[key] ?? additional;
    if (child === null && childSchema !== undefined) {
      if (properties[key] === undefined && childSchema.type === 'object') value[key] = {};
      else if (properties[key] !== undefined && !required.includes(key)) delete value[key];
      continue;
    }
    dropNulls(child, childSchema);
  }
}
