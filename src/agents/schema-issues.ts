import type { ErrorObject } from 'ajv';
import type { SourceIssue } from '../config/source-issue.js';
import type { KeyPath, SourceDocument } from '../config/yaml-source.js';

/** Schema errors reported per document; the rest are counted in one last line. */
export const MAX_SCHEMA_ISSUES = 25;
/** Allowed values quoted in an `enum` message before "...". */
const MAX_ALLOWED_VALUES = 12;

/**
 * Ajv's errors for one document as positioned issues, in the schema's words:
 * - one issue per instance location, its distinct messages joined (`must be string; must be
 *   equal to one of the allowed values: init, normalize, ...`);
 * - an unknown key is reported at the key itself, naming it;
 * - `if`/`then` adds "must match "then" schema" beside the errors that explain it: dropped;
 * - in document order, at most `MAX_SCHEMA_ISSUES` per document, then how many more.
 */
export function toSchemaIssues(errors: readonly ErrorObject[], source: SourceDocument, value: unknown, schema: string): SourceIssue[] {
  const grouped = new Map<string, { path: KeyPath; at: 'key' | 'value'; messages: string[]; alternatives: boolean }>();
  for (const error of errors) {
    if (error.keyword === 'if') continue;
    let path = pointerToPath(error.instancePath, value);
    let at: 'key' | 'value' = 'value';
    let message = error.message ?? `fails "${error.keyword}"`;
    if (error.keyword === 'additionalProperties') {
      const extra = String((error.params as { additionalProperty?: unknown }).additionalProperty);
      path = [...path, extra];
      at = 'key';
      message = 'unknown key: no additional properties are allowed here';
    } else if (error.keyword === 'enum') {
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      const shown = allowed.slice(0, MAX_ALLOWED_VALUES).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      message = `${message}: ${shown.join(', ')}${allowed.length > shown.length ? ', ...' : ''}`;
    }
    const key = `${at}\u0000${path.join('\u0000')}`;
    const group = grouped.get(key) ?? { path, at, messages: [], alternatives: false };
    // "must match a schema in anyOf" says less than the alternatives' own messages beside it.
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') group.alternatives = true;
    else if (!group.messages.includes(message)) group.messages.push(message);
    grouped.set(key, group);
  }
  const issues = [...grouped.values()]
    .map(({ path, at, messages, alternatives }) => {
      const text = alternatives && messages.length > 1 ? `matches none of the allowed forms: ${messages.join('; or ')}` : messages.join('; ') || 'does not match the schema';
      return source.issueAt(path, `${text} (schema ${schema})`, { at });
    })
    // In document order, whatever order the schema checked in.
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  if (issues.length <= MAX_SCHEMA_ISSUES) return issues;
  const shown = issues.slice(0, MAX_SCHEMA_ISSUES);
  shown.push({ file: source.file, ...source.start, message: `and ${issues.length - MAX_SCHEMA_ISSUES} more schema errors in this document (schema ${schema})` });
  return shown;
}

/** `/spec/tools/0/name` -> `['spec', 'tools', 0, 'name']`: a segment is an index where the value there is a list. */
export function pointerToPath(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(key)) {
      path.push(Number(key));
      current = current[Number(key)];
    } else {
      path.push(key);
      current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}
