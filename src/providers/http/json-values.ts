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

/** `value[key]` if it is a finite, non-negative number (a token count), else `undefined`. */
export function countField(value: unknown, key: string): number | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === 'number' && Number.isFinite(field) && field >= 0 ? field : undefined;
}

/** Parses one JSON document, `undefined` when it is not JSON (no error: it would quote the text). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
