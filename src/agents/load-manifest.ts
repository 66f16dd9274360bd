import { readFileSync, statSync } from 'node:fs';
import type { Environment } from '../config/interpolate.js';
import type { SourceIssue } from '../config/source-issue.js';
import { parseYamlSource, SourceIssueError } from '../config/yaml-source.js';
import type { AgentDefinition } from './agent-definition.js';
import { isOssaDocument, whyNotOssa } from './ossa-document.js';
import type { OssaSchemaSet, SchemaCheck } from './ossa-schema-set.js';
import { readAgentDocument } from './read-agent-document.js';

/** What reading one or more manifest files found. */
export interface ManifestLoadResult {
  readonly agents: AgentDefinition[];
  /** Problems that make an agent unusable. `serve` refuses to start while any exist. */
  readonly errors: SourceIssue[];
  readonly warnings: SourceIssue[];
  /** One per declared manifest field the gateway does not enforce (`spec.safety.content_filtering`, ...). */
  readonly unenforced: SourceIssue[];
  /** Files read as manifests. */
  readonly files: string[];
  /** Files found in a directory that hold no OSSA document, with the reason: not read. */
  readonly skippedFiles: { readonly file: string; readonly reason: string }[];
  /** Documents that are not agents (a Workflow, an empty document), with the reason. */
  readonly skipped: { readonly file: string; readonly document: number; readonly reason: string }[];
  /** With schemas: one per OSSA document checked against the official schema of its apiVersion. */
  readonly schemaChecks: (SchemaCheck & { readonly file: string; readonly document: number })[];
}

/** How a file is read. */
export interface ManifestReadOptions {
  /** Also check every OSSA document against the official schema of its apiVersion. */
  readonly schemas?: OssaSchemaSet;
  /**
   * The file was found in a directory rather than listed: one without any OSSA document (a
   * Kubernetes object, a `package.json`) is skipped with the reason instead of being an error.
   */
  readonly discovered?: boolean;
}

/** Manifests larger than this are refused before parsing: no agent needs megabytes of YAML. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export function emptyLoadResult(): ManifestLoadResult {
  return { agents: [], errors: [], warnings: [], unenforced: [], files: [], skippedFiles: [], skipped: [], schemaChecks: [] };
}

/** Reads every document of a YAML or JSON text. */
export function loadManifestText(text: string, file: string, env: Environment = process.env, options: ManifestReadOptions = {}): ManifestLoadResult {
  const result = emptyLoadResult();
  const documents = parseYamlSource(text, file);
  if (options.discovered && !documents.some(isOssaDocument)) {
    result.skippedFiles.push({ file, reason: whyNotOssa(documents) });
    return result;
  }
  result.files.push(file);
  if (documents.length === 0) {
    result.errors.push({ file, line: 1, column: 1, message: 'the file is empty: expected an OSSA manifest' });
    return result;
  }
  for (const document of documents) {
    if (options.schemas && isOssaDocument(document)) {
      // Before readAgentDocument: the schemas describe the text as written, placeholders included.
      const check = schemaCheck(options.schemas, document);
      if (check) {
        result.schemaChecks.push({ ...check, file, document: document.index });
        result.errors.push(...check.issues);
      }
    }
    const read = readAgentDocument(document, env);
    result.errors.push(...read.errors);
    result.warnings.push(...read.warnings);
    result.unenforced.push(...read.unenforced);
    if (read.agent) result.agents.push(read.agent);
    else if (read.skipped) result.skipped.push({ file, document: document.index, reason: read.skipped });
  }
  return result;
}

/** A document with YAML defects is not checked (its defects are the errors); one that cannot expand neither. */
function schemaCheck(schemas: OssaSchemaSet, document: ReturnType<typeof parseYamlSource>[number]): SchemaCheck | undefined {
  if (document.syntaxIssues.length > 0) return undefined;
  try {
    return schemas.check(document, document.toJS());
  } catch (error) {
    if (error instanceof SourceIssueError) return undefined;
    throw error;
  }
}

/** Reads one manifest file; unreadable or oversized files become errors, not exceptions. */
export function loadManifestFile(file: string, env: Environment = process.env, options: ManifestReadOptions = {}): ManifestLoadResult {
  try {
    const size = statSync(file).size;
    if (size > MAX_MANIFEST_BYTES) {
      const result = emptyLoadResult();
      result.errors.push({ file, message: `the file is ${size} bytes; manifests are limited to ${MAX_MANIFEST_BYTES} bytes` });
      return result;
    }
    return loadManifestText(readFileSync(file, 'utf8'), file, env, options);
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
    merged.unenforced.push(...r.unenforced);
    merged.files.push(...r.files);
    merged.skippedFiles.push(...r.skippedFiles);
    merged.skipped.push(...r.skipped);
    merged.schemaChecks.push(...r.schemaChecks);
  }
  return merged;
}
