import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SourceIssue } from '../config/source-issue.js';

/** File names `auto_discover` picks up inside a manifest directory. */
export const MANIFEST_FILE = /\.ossa\.(ya?ml|json)$/i;

export interface DiscoveredManifests {
  readonly files: string[];
  readonly errors: SourceIssue[];
  readonly warnings: SourceIssue[];
}

/**
 * Expands `manifest_paths`: a file is taken as it is (any name); a directory is searched
 * recursively for `*.ossa.yaml|yml|json` when `autoDiscover` is on, and skipped with a
 * warning when it is off. A path that does not exist is an error.
 */
export function discoverManifests(paths: readonly string[], autoDiscover: boolean, baseDir = process.cwd()): DiscoveredManifests {
  const files: string[] = [];
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
      files.push(path);
    } else if (autoDiscover) {
      files.push(...walk(path));
    } else {
      warnings.push({ file: path, message: 'is a directory and auto_discover is off: no manifests read from it' });
    }
  }
  return { files: [...new Set(files)], errors, warnings };
}

function walk(dir: string): string[] {
  const found: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walk(path));
    else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) found.push(path);
  }
  return found;
}
