import { createHash, randomUUID } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
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

/** Entries hold other tenants' answers: only the gateway's own user reads them. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * Cached responses in a directory, `<dir>/<agent>/<hash>.json`: survives restarts, and
 * several gateway processes on one host (or one shared volume) can share it. Every write goes
 * to `<dir>/.tmp` first and is renamed into place, so a reader sees a whole entry or none.
 * Invalidating an agent renames its directory away in one step and deletes it afterwards.
 * Each file's mtime is set to its expiry, so the periodic prune needs a `stat`, not a read.
 * Entries are created 0600 and directories 0700 (the umask can only narrow them), the
 * directory itself is narrowed to 0700 on the first write, and the prune narrows entries an
 * older version wrote 0644: a cached answer is readable by the gateway's user alone.
 */
export class FileCacheStore implements CacheStore {
  readonly backend = 'file' as const;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout | undefined;
  private pruning: Promise<number> | undefined;
  private narrowed: Promise<void> | undefined;

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
    // Once per store; a failure (no such parent yet, no permission) is tried again next time.
    await (this.narrowed ??= this.narrowRoot().catch((error: unknown) => {
      this.narrowed = undefined;
      throw error;
    }));
    await mkdir(tmpDir, { recursive: true, mode: DIR_MODE });
    await mkdir(join(this.options.dir, safeName(key.agent)), { recursive: true, mode: DIR_MODE });
    try {
      await writeFile(tmp, JSON.stringify({ expiresAt, value } satisfies FileEntry), { mode: FILE_MODE });
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
      await narrow(dir, DIR_MODE);
      for (const file of await readdir(dir).catch(() => [] as string[])) {
        const path = join(dir, file);
        const info = await stat(path).catch(() => undefined);
        if (info && info.mtimeMs <= now && (await unlink(path).then(() => true, () => false))) expired++;
        else if (info && (info.mode & 0o077) !== 0) await chmod(path, FILE_MODE).catch(() => undefined);
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
    await mkdir(trash, { recursive: true, mode: DIR_MODE });
    const target = join(trash, `${name}-${randomUUID()}`);
    try {
      await rename(join(this.options.dir, name), target);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await rm(target, { recursive: true, force: true });
  }

  /**
   * Creates `cache.path` 0700, or narrows it to 0700 when it exists wider (a directory made by
   * an older version, or by hand). A directory the gateway does not own stays as it is: the
   * entries in it are 0600 all the same.
   */
  private async narrowRoot(): Promise<void> {
    const { dir } = this.options;
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    await narrow(dir, DIR_MODE);
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

/** Sets `mode` on a file or directory that grants anything to group or others; best effort (it may not be ours). */
async function narrow(path: string, mode: number): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info && (info.mode & 0o077) !== 0) await chmod(path, mode).catch(() => undefined);
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
