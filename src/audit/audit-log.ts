import type { Logger } from 'pino';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { AuditRecord } from './audit-record.js';
import type { AuditSink } from './audit-sink.js';
import { StreamAuditSink } from './stream-audit-sink.js';

/** What the `AuditLoggingProvider` needs: hand a record over, without waiting. */
export interface AuditRecorder {
  record(record: AuditRecord): void;
}

/** How an `AuditLog` falls back, reports and bounds its queue. */
export interface AuditLogOptions {
  /** Where records go when the sink fails (default: stderr). */
  readonly fallback?: AuditSink;
  /** Receives `audit.fallback`. */
  readonly events?: EventDispatcher;
  readonly logger?: Logger;
  /** Records per sink write (default 512). */
  readonly maxBatch?: number;
  /** Records held for the sink before new ones go straight to the fallback (default 10,000). */
  readonly maxQueue?: number;
}

/** Counters for metrics and tests. */
export interface AuditLogStats {
  /** Records the sink accepted. */
  written: number;
  /** Records that went to the fallback sink instead. */
  fallback: number;
  /** Records not even the fallback could take. */
  lost: number;
}

/**
 * The audit log: `record()` queues and returns at once (the response path never waits for a
 * disk or a socket); a background writer drains the queue to the sink in batches. A batch the
 * sink rejects goes to the fallback sink (stderr), marked with `audit_fallback: "<sink>"`, and
 * dispatches `audit.fallback`, so nothing is lost; the next batch tries the sink again. When
 * the sink falls far behind (`maxQueue`), new records go to the fallback rather than filling
 * memory. `close()` (from `gateway.close()`, so on SIGTERM) writes everything queued first.
 *
 * @example
 * const audit = new AuditLog(new FileAuditSink({ path, maxFileBytes, maxFiles }), { events, logger });
 * audit.record(record);
 * await audit.close();
 */
export class AuditLog implements AuditRecorder {
  readonly sink: AuditSink;
  readonly stats: AuditLogStats = { written: 0, fallback: 0, lost: 0 };
  readonly #fallback: AuditSink;
  readonly #events: EventDispatcher | undefined;
  readonly #logger: Logger | undefined;
  readonly #maxBatch: number;
  readonly #maxQueue: number;
  readonly #queue: AuditRecord[] = [];
  #draining: Promise<void> | undefined;
  #scheduled = false;
  #failing = false;
  #closed = false;

  constructor(sink: AuditSink, options: AuditLogOptions = {}) {
    this.sink = sink;
    this.#fallback = options.fallback ?? new StreamAuditSink('stderr', process.stderr);
    this.#events = options.events;
    this.#logger = options.logger;
    this.#maxBatch = options.maxBatch ?? 512;
    this.#maxQueue = options.maxQueue ?? 10_000;
  }

  /** Records waiting for the sink. */
  get pending(): number {
    return this.#queue.length;
  }

  record(record: AuditRecord): void {
    if (this.#closed) {
      void this.#toFallback([record], new Error('the audit log is closed'));
      return;
    }
    if (this.#queue.length >= this.#maxQueue) {
      void this.#toFallback([record], new Error(`the ${this.sink.name} audit sink is ${this.#queue.length} records behind`));
      return;
    }
    this.#queue.push(record);
    if (!this.#scheduled && !this.#draining) {
      this.#scheduled = true;
      // Batched on the next turn of the event loop, after the response path has moved on.
      setImmediate(() => void this.#drain());
    }
  }

  /** Resolves once every record queued so far has been written (to the sink or the fallback). */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#draining) await this.#drain();
  }

  /** Flushes, then closes the sink. Records arriving later go to the fallback. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    await this.sink.close().catch((error: unknown) => this.#logger?.warn({ err: error }, `closing the ${this.sink.name} audit sink failed`));
  }

  #drain(): Promise<void> {
    this.#scheduled = false;
    this.#draining ??= (async () => {
      try {
        while (this.#queue.length > 0) {
          const batch = this.#queue.splice(0, this.#maxBatch);
          try {
            await this.sink.write(batch);
            this.stats.written += batch.length;
            if (this.#failing) {
              this.#failing = false;
              this.#logger?.info({ sink: this.sink.name }, `the ${this.sink.name} audit sink works again`);
            }
          } catch (error) {
            await this.#toFallback(batch, error);
          }
        }
      } finally {
        this.#draining = undefined;
      }
    })();
    return this.#draining;
  }

  async #toFallback(batch: readonly AuditRecord[], error: unknown): Promise<void> {
    const cause = error instanceof Error ? error : new Error(String(error));
    if (!this.#failing) {
      this.#failing = true;
      this.#logger?.error({ sink: this.sink.name, err: cause }, `the ${this.sink.name} audit sink failed (${cause.message}); audit records go to ${this.#fallback.name} until it recovers`);
    }
    const marked = batch.map((record) => ({ ...record, audit_fallback: this.sink.name }));
    try {
      await this.#fallback.write(marked);
      this.stats.fallback += batch.length;
    } catch {
      this.stats.lost += batch.length;
    }
    this.#events?.dispatch({ type: 'audit.fallback', sink: this.sink.name, records: batch.length, error: cause });
  }
}
