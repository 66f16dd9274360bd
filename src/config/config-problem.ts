import type { KeyPath } from './yaml-source.js';

/**
 * One problem found in the `ossa:` tree, before it is given a file position. `path` is
 * relative to the tree (`providers.anthropic.timeout`), as in `OssaConfig`.
 */
export interface ConfigProblem {
  readonly path: KeyPath;
  readonly message: string;
  /** e.g. `did you mean "timeout"?` */
  readonly hint?: string;
  /** Point at the key (unknown keys) rather than its value. */
  readonly at?: 'key' | 'value';
  /** Where to point when `path` is not in the file (a missing key points at its parent). */
  readonly anchor?: KeyPath;
}

/** Both kinds of findings of a check: errors stop the load, warnings are returned with the config. */
export interface ConfigFindings {
  readonly errors: ConfigProblem[];
  readonly warnings: ConfigProblem[];
}

/** A `did you mean "x"?` hint, or nothing. */
export function didYouMean(candidate: string | undefined): { hint?: string } {
  return candidate === undefined ? {} : { hint: `did you mean "${candidate}"?` };
}

/** How a value reads in a message: strings quoted, mappings and lists named. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}

/** A plain object (a YAML mapping), not a list or null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
