import type { AuditRecord } from './audit-record.js';

/**
 * Where audit records end up: a JSON-lines file, stdout, syslog, stderr (the fallback) or
 * memory (tests). A sink only writes; buffering, batching and falling back are `AuditLog`'s.
 */
export interface AuditSink {
  /** `file`, `stdout`, `syslog`, `stderr`, `memory`: for events, logs and metrics. */
  readonly name: string;
  /**
   * Writes a batch, in order; resolves once it is handed to the OS, rejects if it could not be
   * (the caller then sends the batch to the fallback sink). Never called concurrently.
   */
  write(records: readonly AuditRecord[]): Promise<void>;
  /** Releases files and sockets. */
  close(): Promise<void>;
}

/** One JSON line per record, each ending in a newline. */
export function toJsonLines(records: readonly AuditRecord[]): string {
  let text = '';
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}
