import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { atFileEnd } from './file-cleanup.js';

/**
 * A temporary directory holding the given files (`{ 'agents/a.ossa.yaml': '...' }`). It is
 * removed when the test file ends, so a test that fails halfway leaves nothing in /tmp either.
 */
export function tempDir(files: Record<string, string> = {}, prefix = 'ossa-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  atFileEnd(() => rmSync(dir, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
