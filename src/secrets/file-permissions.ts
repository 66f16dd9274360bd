import { statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Why a secret file cannot be trusted to hold what its owner put there: it is world-writable,
 * or sits in a world-writable directory without the sticky bit (anyone may replace it), so any
 * user of the host could swap in a key of their own. `undefined` when it is fine, or where
 * modes mean nothing (Windows).
 */
export function writableByOthers(file: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const mode = modeOf(file);
  if (mode !== undefined && (mode & 0o002) !== 0) return `secret file ${file} is world-writable (mode ${octal(mode)}): anyone on the host can replace the key; chmod o-w`;
  const directory = dirname(file);
  const dirMode = modeOf(directory);
  if (dirMode !== undefined && (dirMode & 0o002) !== 0 && (dirMode & 0o1000) === 0) {
    return `secret file ${file} is in a world-writable directory (${directory}, mode ${octal(dirMode)}): anyone on the host can replace it`;
  }
  return undefined;
}

/** Why a private key file is exposed: readable by every user of the host (`0644`). `undefined` when it is not. */
export function readableByOthers(file: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const mode = modeOf(file);
  if (mode === undefined || (mode & 0o004) === 0) return undefined;
  return `${file} is readable by every user of the host (mode ${octal(mode)}): chmod 600 (or 400)`;
}

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
