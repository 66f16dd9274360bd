import { relative } from 'node:path';
import type { ManifestLoadResult } from '../agents/load-manifest.js';
import type { DeclaredTool } from '../tools/resolve-agent-tools.js';

/** What `validate` counted, for its summary. */
export interface ValidationCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly result: ManifestLoadResult;
  /** The schema directory, when `--schemas` was given (as the user wrote it). */
  readonly schemasDir?: string;
  /** Per agent, its declared tools and whether each runs. */
  readonly tools?: readonly { readonly agent: string; readonly declared: readonly DeclaredTool[] }[];
}

/**
 * `validate`'s summary, first line the verdict (scripts read it), then what was read:
 *
 * ```
 * failed: 93 errors, 748 warnings
 *   files:   177 read, 0 skipped (no OSSA document)
 *   agents:  182 in 185 documents (3 skipped: not kind Agent)
 *   schemas: 94 of 177 files pass their official schema (../shared/ossa-schemas: v0.3.0 3 of 3 fail, ...)
 * ```
 */
export function formatValidationSummary(counts: ValidationCounts, cwd: string): string {
  const { errors, warnings, result } = counts;
  const agents = result.agents.length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const verdict = errors === 0
    ? `ok: ${plural(agents, 'agent')} valid${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}`
    : `failed: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  const documents = agents + result.skipped.length;
  const lines = [
    verdict,
    `  files:   ${result.files.length} read, ${result.skippedFiles.length} skipped (no OSSA document)`,
    `  agents:  ${agents} in ${plural(documents, 'document')}${result.skipped.length > 0 ? ` (${result.skipped.length} skipped: not kind Agent)` : ''}`,
  ];
  if (counts.tools !== undefined && counts.tools.length > 0) lines.push(`  tools:   ${toolsLine(counts.tools)}`);
  if (counts.schemasDir !== undefined) lines.push(`  schemas: ${schemaLine(result, counts.schemasDir, cwd)}`);
  return `${lines.join('\n')}\n`;
}

/** How many files pass their schema, and per schema file how many documents fail. */
function schemaLine(result: ManifestLoadResult, dir: string, cwd: string): string {
  const failing = new Set<string>();
  const checked = new Set<string>();
  const bySchema = new Map<string, { checked: number; failed: number }>();
  for (const check of result.schemaChecks) {
    checked.add(check.file);
    if (check.issues.length > 0) failing.add(check.file);
    const name = check.schema?.replace(/\.json$/, '') ?? 'no schema';
    const counts = bySchema.get(name) ?? { checked: 0, failed: 0 };
    counts.checked += 1;
    if (check.issues.length > 0) counts.failed += 1;
    bySchema.set(name, counts);
  }
  // A file whose YAML is broken was not checked: it does not pass either.
  for (const error of result.errors) if (result.files.includes(error.file) && !checked.has(error.file)) failing.add(error.file);
  const files = new Set([...checked, ...failing]).size;
  const detail = [...bySchema.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([name, c]) => `${name} ${c.failed} of ${c.checked} fail`)
    .join(', ');
  const shown = relative(cwd, dir) || '.';
  return `${files - failing.size} of ${files} files pass their official schema (${shown}: ${detail || 'nothing checked'})`;
}

/** `307 in 124 agents: 0 runnable, 307 not (213 function: no handler, 65 mcp: no kind, ...)`. */
function toolsLine(agents: NonNullable<ValidationCounts['tools']>): string {
  const all = agents.flatMap((a) => a.declared);
  const runnable = all.filter((tool) => tool.problem === undefined).length;
  const why = new Map<string, number>();
  for (const tool of all) {
    if (tool.problem === undefined) continue;
    const reason = tool.kind === undefined ? 'of no kind the gateway runs' : / has no handler$/.test(tool.problem.message) ? `${tool.kind}: no handler` : `${tool.kind}: invalid`;
    why.set(reason, (why.get(reason) ?? 0) + 1);
  }
  const detail = [...why.entries()].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${n} ${reason}`).join(', ');
  return `${all.length} in ${agents.length} agents: ${runnable} runnable, ${all.length - runnable} not${detail === '' ? '' : ` (${detail})`}`;
}
