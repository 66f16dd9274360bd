import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SourceIssue } from '../config/source-issue.js';

/** Names that declare a manifest: read as one wherever found (an error when they hold none). */
export const MANIFEST_FILE = /\.ossa\.(ya?ml|json)$/i;
/** Files `auto_discover` considers inside a manifest directory: read when they hold an OSSA document. */
export const CANDIDATE_FILE = /\.(ya?ml|json)$/i;

/** A file to read, and how it was found. */
export interface ManifestSource {
  readonly file: string;
  /**
   * Found in a directory under a name that does not say "manifest" (not `*.ossa.*`): read if it
   * holds an OSSA document, otherwise skipped with the reason.
   */
  readonly discovered: boolean;
}

export interface DiscoveredManifests {
  readonly sources: ManifestSource[];
  readonly errors: SourceIssue[];
  readonly warnings: SourceIssue[];
}

/**
 * Expands `manifest_paths`: a file is taken as it is (any name); a directory is searched
 * recursively when `autoDiscover` is on, for every `.yaml/.yml/.json` file (hidden entries and
 * `node_modules` aside), and skipped with a warning when it is off. A path that does not exist
 * is an error.
 */
export function discoverManifests(paths: readonly string[], autoDiscover: boolean, baseDir = process.cwd()): DiscoveredManifests {
  const sources = new Map<string, ManifestSource>();
  const errors: SourceIssue[] = [];
  const warnings: SourceIssue[] = [];
  for (const entry of paths) {
    const path = resolve(baseDir, entry);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      errors.push({ file: path, message: 'manifest path does not exist (listed in manifest_paths)' });
      continue;
    }
    if (!isDirectory) {
      // Listed by name: a manifest, even where a directory walk found it first.
      sources.set(path, { file: path, discovered: false });
    } else if (autoDiscover) {
      for (const file of walk(path)) if (!sources.has(file)) sources.set(file, { file, discovered: !MANIFEST_FILE.test(file) });
    } else {
      warnings.push({ file: path, message: 'is a directory and auto_discover is off: no manifests read from it' });
    }
  }
  return { sources: [...sources.values()], errors, warnings };
}

function walk(dir: string): string[] {
  const found: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walk(path));
    else if (entry.isFile() && CANDIDATE_FILE.test(entry.name)) found.push(path);
  }
  return found;
}
