import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from '../providers/provider.js';

// ajv-formats is CommonJS: its default export arrives wrapped, depending on the loader.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** Arguments longer than this are refused before parsing: no tool needs a megabyte of JSON from a model. */
export const MAX_ARGUMENT_BYTES = 1024 * 1024;

// Lenient about the schema (manifests are written for many runtimes), strict about the value.
const ajv = addFormats(new Ajv({ strict: false, allErrors: false, validateFormats: true }));
const compiled = new WeakMap<JsonSchema, ValidateFunction | Error>();

/** The schema's validator, compiled once per schema object; an `Error` says why the schema does not compile. */
export function argumentValidator(schema: JsonSchema): ValidateFunction | Error {
  let found = compiled.get(schema);
  if (found === undefined) {
    try {
      found = ajv.compile(schema);
    } catch (error) {
      found = error instanceof Error ? error : new Error(String(error));
    }
    compiled.set(schema, found);
  }
  return found;
}

/** The model's JSON text as arguments the schema accepts, or what is wrong with it (said to the model). */
export function parseToolArguments(text: string, schema: JsonSchema): { readonly args: Record<string, unknown> } | { readonly error: string } {
  if (Buffer.byteLength(text) > MAX_ARGUMENT_BYTES) return { error: `the arguments are longer than ${MAX_ARGUMENT_BYTES} bytes` };
  let value: unknown;
  try {
    // Some models send no arguments at all for a tool without parameters.
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return { error: 'the arguments are not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'the arguments must be a JSON object' };
  const validate = argumentValidator(schema);
  if (validate instanceof Error) return { error: `the tool's parameter schema does not compile: ${validate.message}` };
  if (!validate(value)) return { error: `invalid arguments: ${describeErrors(validate.errors ?? [])}` };
  return { args: value as Record<string, unknown> };
}

function describeErrors(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 5)
    .map((error) => `${error.instancePath === '' ? '(root)' : error.instancePath} ${error.message ?? 'is invalid'}`)
    .join('; ');
}
