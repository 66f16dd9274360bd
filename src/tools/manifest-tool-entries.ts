import type { SourceIssue } from '../config/source-issue.js';
import type { SourceDocument } from '../config/yaml-source.js';
import { isRecord, type JsonRecord } from '../agents/manifest-values.js';
import type { ManifestToolEntry } from './server-tool.js';

/** `spec.tools` entries beyond this are not a tool list: the rest is not read. */
export const MAX_TOOL_ENTRIES = 128;

/** Each mapping of `spec.tools`, with where it is in the file (kinds report their problems there). */
export function readToolEntries(doc: JsonRecord, source: Pick<SourceDocument, 'file' | 'positionOf'>): ManifestToolEntry[] {
  const spec = doc['spec'];
  const tools = isRecord(spec) ? spec['tools'] : undefined;
  if (!Array.isArray(tools)) return [];
  const entries: ManifestToolEntry[] = [];
  tools.slice(0, MAX_TOOL_ENTRIES).forEach((raw: unknown, index) => {
    if (!isRecord(raw)) return;
    const at = source.positionOf(['spec', 'tools', index]);
    entries.push({ index, raw, source: { file: source.file, line: at.line, column: at.column } });
  });
  return entries;
}

/** A problem with one tool entry, at the entry (or one of its keys). */
export function toolIssue(entry: ManifestToolEntry, message: string, key?: string, hint?: string): SourceIssue {
  return {
    file: entry.source.file,
    ...(entry.source.line !== undefined ? { line: entry.source.line } : {}),
    ...(entry.source.column !== undefined ? { column: entry.source.column } : {}),
    path: `spec.tools[${entry.index}]${key === undefined ? '' : `.${key}`}`,
    message,
    ...(hint !== undefined ? { hint } : {}),
  };
}

/** The entry's `name`, or `(unnamed)`. */
export function toolEntryName(entry: ManifestToolEntry): string {
  const name = entry.raw['name'];
  return typeof name === 'string' && name !== '' ? name : '(unnamed)';
}
