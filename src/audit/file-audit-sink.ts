import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditRecord } from './audit-record.js';
import { toJsonLines, type AuditSink } from './audit-sink.js';

/** Where a `FileAuditSink` writes and when it rotates. */
export interface FileAuditSinkOptions {
  /** The live file, e.g. `/var/lib/ossa/audit/audit.jsonl`; its directory is created. */
  readonly path: string;
  /** A write that would take the file past this size rotates it first. */
  readonly maxFileBytes: number;
  /** Rotated files kept: `audit.jsonl.1` (newest) to `audit.jsonl.<maxFiles>` (oldest). */
  readonly maxFiles: number;
}

/**
 * Audit records as JSON lines appended to a file, rotated by size: when a batch would take
 * the file past `max_file_bytes`, `audit.jsonl` becomes `audit.jsonl.1`, `.1` becomes `.2`, and
 * so on up to `.<max_files>`, the oldest being overwritten. A single batch larger than the limit
 * still goes into one file, whole: a record is never split. The file is opened in append mode
 * with mode 0600 (records name users and agents).
 *
 * @example
 * const sink = new FileAuditSink({ path: 'var/audit/audit.jsonl', maxFileBytes: 100 * 2 ** 20, maxFiles: 5 });
 */
export class FileAuditSink implements AuditSink {
  readonly name = 'file';
  readonly #options: FileAuditSinkOptions;
  #handle: FileHandle | undefined;
  #size = 0;

  constructor(options: FileAuditSinkOptions) {
    this.#options = options;
  }

  async write(records: readonly AuditRecord[]): Promise<void> {
    const text = toJsonLines(records);
    const bytes = Buffer.byteLength(text);
    let handle = await this.#open();
    if (this.#size > 0 && this.#size + bytes > this.#options.maxFileBytes) {
      await this.#rotate();
      handle = await this.#open();
    }
    try {
      await handle.write(text);
    } catch (error) {
      // A failed handle (disk removed, file system full) is reopened on the next batch.
      await this.#closeHandle();
      throw error;
    }
    this.#size += bytes;
  }

  async close(): Promise<void> {
    await this.#closeHandle();
  }

  async #open(): Promise<FileHandle> {
    if (this.#handle) return this.#handle;
    await mkdir(dirname(this.#options.path), { recursive: true });
    const handle = await open(this.#options.path, 'a', 0o600);
    this.#size = (await handle.stat()).size;
    this.#handle = handle;
    return handle;
  }

  async #rotate(): Promise<void> {
    await this.#closeHandle();
    const { path, maxFiles } = this.#options;
    for (let index = maxFiles - 1; index >= 1; index--) await renameIfPresent(`${path}.${index}`, `${path}.${index + 1}`);
    await renameIfPresent(path, `${path}.1`);
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    this.#size = 0;
    await handle?.close().catch(() => undefined);
  }
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
