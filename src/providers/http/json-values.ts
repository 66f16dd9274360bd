// Readers for parsed upstream JSON (`unknown`): wire formats are checked here, at the boundary,
// so the mapping code above them works on typed values.

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[key]` if it is a JSON object, else `undefined`. */
export function recordField(value: unknown, key: string): Record<string, unknown> | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return isRecord(field) ? field : undefined;
}

/** `value[key]` if it is a string, else `undefined`. */
export function stringField(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

/**
 * The largest token count believed from an upstream for one call: ten times the largest
 * context window offered today (2M). Above it the number is a lie or a bug (`1e308`), and
 * would make the token counters, the cost dashboards and the audit records meaningless.
 */
export const MAX_TOKEN_COUNT = 20_000_000;

/** `value[key]` if it is a whole number from 0 to `MAX_TOKEN_COUNT` (a token count), else `undefined`. */
export function countField(value: unknown, key: string): number | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === 'number' && Number.isInteger(field) && field >= 0 && field <= MAX_TOKEN_COUNT ? field : undefined;
}

/** The longest name (a model, a finish reason, an error code) read from an upstream. */
export const MAX_NAME_LENGTH = 256;

/** What a name from an upstream may hold: printable ASCII without spaces or quotes (`gpt-4o-2024-08-06`, `claude-3@20240229`, `models/gemini-1.5:latest`). */
const NAME = /^[\x21\x23-\x26\x28-\x7e]+$/;

/**
 * `value[key]` if it is a name: 1 to `MAX_NAME_LENGTH` printable ASCII characters without
 * spaces or quotes, else `undefined`. For fields that end up in metric labels, log lines and
 * other clients' responses (an upstream's `model`), where a megabyte of text, a line break or
 * an escape sequence must never arrive; the caller falls back to what it asked for.
 */
export function nameField(value: unknown, key: string): string | undefined {
  const field = stringField(value, key);
  return field !== undefined && field.length <= MAX_NAME_LENGTH && NAME.test(field) ? field : undefined;
}

/** Parses one JSON document, `undefined` when it is not JSON (no error: it would quote the text). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
