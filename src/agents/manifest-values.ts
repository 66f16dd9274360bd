/** Narrowing helpers for untrusted manifest values (real manifests hold anything). */
export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value.a.b.c`, or undefined where any step is missing or not an object. */
export function dig(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return String(value);
}

/** Resolves a local JSON pointer (`#/components/models/gpt4`) inside the same document. */
export function resolveLocalRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isRecord(current)) current = current[key];
    else return undefined;
  }
  return current;
}

/** A problem with one manifest value, at its key path (positioned by the caller). */
export interface FieldProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * `value` as a number within bounds, or undefined with a problem pushed to `errors`
 * (`expected a number between 0 and 1, got "high"`). Absent (`undefined`/`null`): undefined, no problem.
 */
export function readNumber(
  value: unknown,
  path: (string | number)[],
  bounds: { readonly min: number; readonly max?: number; readonly integer?: boolean },
  errors: FieldProblem[],
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const { min, max, integer } = bounds;
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (max === undefined || value <= max) && (!integer || Number.isInteger(value));
  if (ok) return value;
  const what = integer ? 'a whole number' : 'a number';
  const range = max === undefined ? `>= ${min}` : `between ${min} and ${max}`;
  errors.push({ path, message: `expected ${what} ${range}, got ${describeType(value)}` });
  return undefined;
}

/** `value` as a non-empty trimmed string, or undefined with a problem; absent: undefined. */
export function readText(value: unknown, path: (string | number)[], what: string, errors: FieldProblem[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  errors.push({ path, message: `expected ${what} as a non-empty string, got ${describeType(value)}` });
  return undefined;
}
