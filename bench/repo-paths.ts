import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute paths the harness needs, found from this file's location by walking up to the
 * repository's package.json, so the same code works compiled (bench/.build/) or from source.
 */
export interface RepoPaths {
  readonly root: string;
  /** bench/ in the source tree: configs, agents, the wrk script. */
  readonly bench: string;
  /** The compiled harness (bench/.build/), whose entry points run as child processes. */
  readonly build: string;
  /** `bin/ossa-gateway.js`, which runs the compiled gateway in dist/. */
  readonly gatewayBin: string;
}

/** The paths of the repository this harness belongs to. */
export function repoPaths(): RepoPaths {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isOssaGateway(manifest)) break;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: cannot find the ossa-gateway package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  const bench = join(dir, 'bench');
  return { root: dir, bench, build: join(bench, '.build'), gatewayBin: join(dir, 'bin', 'ossa-gateway.js') };
}

function isOssaGateway(manifest: string): boolean {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && (parsed as { name?: unknown }).name === 'ossa-gateway';
  } catch {
    return false;
  }
}

/** `path` relative to the repository root, for commands printed in the report. */
export function fromRoot(paths: RepoPaths, path: string): string {
  const absolute = resolve(path);
  return absolute.startsWith(paths.root + '/') ? absolute.slice(paths.root.length + 1) : absolute;
}
