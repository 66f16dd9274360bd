import type { AuditRecord } from './audit-record.js';
import type { AuditSink } from './audit-sink.js';

/** Keeps records in an array: for tests, and for embedding apps that ship records themselves. */
export class MemoryAuditSink implements AuditSink {
  readonly name = 'memory';
  readonly records: AuditRecord[] = [];
  /** When set, every write rejects with it (to exercise the fallback path). */
  failWith: Error | undefined;

  async write(records: readonly AuditRecord[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.records.push(...records);
  }

  async close(): Promise<void> {}
}
