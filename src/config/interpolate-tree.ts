import { parse as parseScalarText } from 'yaml';
import { isRecord, type ConfigProblem } from './config-problem.js';
import { hasPlaceholder, interpolate, isWholePlaceholder, UnsetVariableError, type Environment } from './interpolate.js';
import type { KeyPath } from './yaml-source.js';

/**
 * `${VAR}` / `${VAR:-default}` in every string of a plain object (the library API's config),
 * the way `SourceDocument.interpolate` does it for a file: a value that is one whole
 * placeholder takes the type its text reads as in YAML (`"${PORT:-8080}"` becomes 8080), and
 * `skip(path)` leaves a value as written. Returns a new value; the input is not changed.
 */
export function interpolateTree(
  value: unknown,
  env: Environment,
  skip: (path: KeyPath) => boolean,
): { value: unknown; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const visit = (node: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]));
    if (isRecord(node)) return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, visit(child, [...path, key])]));
    if (typeof node !== 'string' || !hasPlaceholder(node) || skip(path)) return node;
    try {
      const replaced = interpolate(node, env);
      return isWholePlaceholder(node) ? typed(replaced) : replaced;
    } catch (error) {
      if (!(error instanceof UnsetVariableError)) throw error;
      problems.push({ path, message: error.message });
      return node;
    }
  };
  return { value: visit(value, []), problems };
}

/** Same reading as yaml-source's: numbers, booleans and null from their YAML text; else the string. */
function typed(text: string): unknown {
  if (text.trim() === '') return text;
  try {
    const value: unknown = parseScalarText(text);
    return typeof value === 'object' && value !== null ? text : value;
  } catch {
    return text;
  }
}
