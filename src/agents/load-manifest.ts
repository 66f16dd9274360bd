import { readFileSync, statSync } from 'node:fs';
import type { Environment } from '../config/interpolate.js';
import type { SourceIssue } from '../config/source-issue.js';
import { parseYamlSource } from '../config/yaml-source.js';
import type { AgentDefinition } from './agent-definition.js';
import { readAgentDocument } from './read-agent-document.js';

/** What reading one or more manifest files found. */
export interface ManifestLoadResult {
  readonly agents: AgentDefinition[];
  /** Problems that make an agent unusable. `serve` refuses to start while any exist. */
  readonly errors: SourceIssue[];
  readonly warnings: SourceIssue[];
  /** Documents that are not agents (a Workflow, an empty document), with the reason. */
  readonly skipped: { readonly file: string; readonly document: number; readonly reason: string }[];
}

/** Manifests larger than this are refused before parsing: no agent needs megabytes of YAML. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export function emptyLoadResult(): ManifestLoadResult {
  return { agents: [], errors: [], warnings: [], skipped: [] };
}

/** Reads every document of a YAML or JSON text. */
export function loadManifestText(text: string, file: string, env: Environment = process.env): ManifestLoadResult {
  const result = emptyLoadResult();
  const documents = parseYamlSource(text, file);
  if (documents.length === 0) {
    result.errors.push({ file, line: 1, column: 1, message: 'the file is empty: expected an OSSA manifest' });
    return result;
  }
  for (const document of documents) {
    const read = readAgentDocument(document, env);
    result.errors.push(...read.errors);
    result.warnings.push(...read.warnings);
    if (read.agent) result.agents.push(read.agent);
    else if (read.skipped) result.skipped.push({ file, document: document.index, reason: read.skipped });
  }
  return result;
}

/** Reads one manifest file; unreadable or oversized files become errors, not exceptions. */
export function loadManifestFile(file: string, env: Environment = process.env): ManifestLoadResult {
  try {
    const size = statSync(file).size;
    if (size > MAX_MANIFEST_BYTES) {
      const result = emptyLoadResult();
      result.errors.push({ file, message: `the file is ${size} bytes; manifests are limited to ${MAX_MANIFEST_BYTES} bytes` });
      return result;
    }
    return loadManifestText(readFileSync(file, 'utf8'), file, env);
  } catch (error) {
    const result = emptyLoadResult();
    result.errors.push({ file, message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return result;
  }
}

/** Folds several results into one, in order. */
export function mergeLoadResults(results: readonly ManifestLoadResult[]): ManifestLoadResult {
  const merged = emptyLoadResult();
  for (const r of results) {
    merged.agents.push(...r.agents);
    merged.errors.push(...r.errors);
    merged.warnings.push(...r.warnings);
    merged.skipped.push(...r.skipped);
  }
  return merged;
}
