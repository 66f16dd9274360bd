import type { SourceDocument } from '../config/yaml-source.js';

/** The `kind`s an OSSA document may have (the official schemas' enum). */
export const OSSA_KINDS: readonly string[] = ['Agent', 'Task', 'Workflow', 'Flow'];

/**
 * Whether a document is an OSSA document: its `apiVersion` starts with `ossa/`, or it has an
 * OSSA `kind` with no apiVersion or a bare `v0.3.0` one (some OSSA examples write that). A
 * Kubernetes object, a kagent `kind: Agent` (`apiVersion: kagent.dev/...`), a `package.json` or
 * the gateway's own `ossa.yaml` are not. Read from the syntax tree, so a document with a YAML
 * defect is still recognised (and its defect reported).
 */
export function isOssaDocument(source: SourceDocument): boolean {
  const apiVersion = source.peek('apiVersion');
  if (typeof apiVersion === 'string' && /^ossa\//i.test(apiVersion.trim())) return true;
  const kind = source.peek('kind');
  if (typeof kind !== 'string' || !OSSA_KINDS.includes(kind)) return false;
  return apiVersion === undefined || apiVersion === null || (typeof apiVersion === 'string' && /^v\d/.test(apiVersion.trim()));
}

/** Why a file of several documents holds no OSSA document, in a few words (for `validate`'s skipped list). */
export function whyNotOssa(documents: readonly SourceDocument[]): string {
  const first = documents.find((document) => document.isMapping);
  if (!first) return documents.length === 0 ? 'empty file' : 'no mapping at the top level: not an OSSA manifest';
  const apiVersion = first.peek('apiVersion');
  const kind = first.peek('kind');
  if (typeof apiVersion === 'string') return `apiVersion "${shorten(apiVersion)}" is not an OSSA version (ossa/v...)`;
  if (typeof kind === 'string') return `kind "${shorten(kind)}" without an OSSA apiVersion`;
  return 'no apiVersion or kind: not an OSSA manifest';
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
