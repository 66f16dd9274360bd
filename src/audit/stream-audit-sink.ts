import type { AuditRecord } from './audit-record.js';
import { toJsonLines, type AuditSink } from './audit-sink.js';

/**
 * JSON lines on a stream: `stdout` (for platforms that collect container output) and
 * `stderr` (the fallback of every other sink). The stream is never closed: it is the process's.
 */
export class StreamAuditSink implements AuditSink {
  readonly name: string;
  readonly #stream: NodeJS.WritableStream;

  constructor(name: 'stdout' | 'stderr' | (string & {}), stream: NodeJS.WritableStream) {
    this.name = name;
    this.#stream = stream;
  }

  write(records: readonly AuditRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#stream.write(toJsonLines(records), (error) => (error ? reject(error) : resolve()));
    });
  }

  async close(): Promise<void> {}
}
