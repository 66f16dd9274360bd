import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheKey } from './cache-key.js';
import type { CacheStore, EvictionListener } from './cache-store.js';

/** Where a `FileCacheStore` keeps its entries, and how often it prunes them. */
export interface FileCacheStoreOptions {
  /** `cache.path`. */
  readonly dir: string;
  readonly now?: () => number;
  readonly onEviction?: EvictionListener;
  /** How often expired entries are deleted in the background. Default 60 s; 0: never (tests call `prune()`). */
  readonly pruneIntervalMs?: number;
}

interface FileEntry {
  readonly expiresAt: number;
  readonly value: string;
}

/** A temporary file this old was left by a writer that died between write and rename. */
const ABANDONED_TMP_MS = 60 * 60_000;

/**
 * Cached responses in a directory, `<dir>/<agent>/<hash>.json`: survives restarts, and
 * several gateway processes on one host (or one shared volume) can share it. Every write goes
 * to `<dir>/.tmp` first and is renamed into place, so a reader sees a whole entry or none.
 * Invalidating an agent renames its directory away in one step and deletes it afterwards.
 * Each file's mtime is set to its expiry, so the periodic prune needs a `stat`, not a read.
 */
export class FileCacheStore implements CacheStore {
  readonly backend = 'file' as const;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout | undefined;
  private pruning: Promise<number> | undefined;

  constructor(private readonly options: FileCacheStoreOptions) {
    this.now = options.now ?? Date.now;
    const interval = options.pruneIntervalMs ?? 60_000;
    if (interval > 0) {
      this.timer = setInterval(() => void this.prune().catch(() => undefined), interval);
      this.timer.unref();
    }
  }

  async get(key: CacheKey): Promise<string | undefined> {
    const file = this.fileOf(key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const entry = parseEntry(text);
    if (entry === undefined || entry.expiresAt <= this.now()) {
      await unlink(file).catch(() => undefined);
      if (entry !== undefined) this.options.onEviction?.(1, 'expired');
      return undefined;
    }
    return entry.value;
  }

  async set(key: CacheKey, value: string, ttlMs: number): Promise<void> {
    const expiresAt = this.now() + ttlMs;
    const tmpDir = join(this.options.dir, '.tmp');
    const tmp = join(tmpDir, randomUUID());
    await mkdir(tmpDir, { recursive: true });
    await mkdir(join(this.options.dir, safeName(key.agent)), { recursive: true });
    try {
      await writeFile(tmp, JSON.stringify({ expiresAt, value } satisfies FileEntry));
      await utimes(tmp, new Date(), new Date(expiresAt));
      await rename(tmp, this.fileOf(key));
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      // The agent was invalidated between mkdir and rename: the entry is stale already.
      if (isMissing(error)) return;
      throw error;
    }
  }

  async delete(key: CacheKey): Promise<boolean> {
    try {
      await unlink(this.fileOf(key));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async invalidateAgent(agent: string): Promise<void> {
    await this.discard(safeName(agent));
  }

  async clear(): Promise<void> {
    for (const name of await this.agentDirs()) await this.discard(name);
  }

  /** Deletes expired entries and abandoned temporary files; resolves with the number of entries deleted. */
  prune(): Promise<number> {
    this.pruning ??= this.pruneOnce().finally(() => {
      this.pruning = undefined;
    });
    return this.pruning;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.pruning?.catch(() => undefined);
  }

  private async pruneOnce(): Promise<number> {
    const now = this.now();
    let expired = 0;
    for (const name of await this.agentDirs()) {
      const dir = join(this.options.dir, name);
      for (const file of await readdir(dir).catch(() => [] as string[])) {
        const path = join(dir, file);
        const info = await stat(path).catch(() => undefined);
        if (info && info.mtimeMs <= now && (await unlink(path).then(() => true, () => false))) expired++;
      }
    }
    const tmpDir = join(this.options.dir, '.tmp');
    for (const file of await readdir(tmpDir).catch(() => [] as string[])) {
      const info = await stat(join(tmpDir, file)).catch(() => undefined);
      if (info && info.ctimeMs < Date.now() - ABANDONED_TMP_MS) await unlink(join(tmpDir, file)).catch(() => undefined);
    }
    if (expired > 0) this.options.onEviction?.(expired, 'expired');
    return expired;
  }

  /** Moves an agent's directory out of sight in one rename, then deletes it. */
  private async discard(name: string): Promise<void> {
    const trash = join(this.options.dir, '.trash');
    await mkdir(trash, { recursive: true });
    const target = join(trash, `${name}-${randomUUID()}`);
    try {
      await rename(join(this.options.dir, name), target);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await rm(target, { recursive: true, force: true });
  }

  private async agentDirs(): Promise<string[]> {
    try {
      const entries = await readdir(this.options.dir, { withFileTypes: true });
      return entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  private fileOf(key: CacheKey): string {
    return join(this.options.dir, safeName(key.agent), `${safeName(key.hash)}.json`);
  }
}

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** A path segment that cannot escape the directory or collide with `.tmp` and `.trash`. */
function safeName(name: string): string {
  return PLAIN_NAME.test(name) ? name : `x-${createHash('sha256').update(name).digest('hex')}`;
}

function parseEntry(text: string): FileEntry | undefined {
  try {
    const entry = JSON.parse(text) as Partial<FileEntry>;
    return typeof entry.expiresAt === 'number' && typeof entry.value === 'string' ? { expiresAt: entry.expiresAt, value: entry.value } : undefined;
  } catch {
    return undefined;
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
