import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LogCapture } from '../../test/support/gateway-harness.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { GatewayEventMap } from '../events/gateway-events.js';
import { AuditLog } from './audit-log.js';
import type { AuditRecord } from './audit-record.js';
import type { AuditSink } from './audit-sink.js';
import { MemoryAuditSink } from './memory-audit-sink.js';

function record(n: number): AuditRecord {
  return { event: 'llm_request', timestamp: n, request_id: `req-${n}`, attempt: 1, provider: 'p', model: 'm', agent: 'a', agent_version: null, streamed: false, prompt_length: 1, temperature: 0, max_tokens: 1, tools_count: 0 };
}

/** A sink whose writes wait until the test lets them finish. */
class GatedSink implements AuditSink {
  readonly name = 'gated';
  readonly batches: AuditRecord[][] = [];
  #open: (() => void)[] = [];
  write(records: readonly AuditRecord[]): Promise<void> {
    this.batches.push([...records]);
    return new Promise((resolve) => this.#open.push(resolve));
  }
  release(): void {
    for (const resolve of this.#open.splice(0)) resolve();
  }
  async close(): Promise<void> {}
}

function setup(sink: AuditSink, options: { maxQueue?: number } = {}) {
  const fallback = new MemoryAuditSink();
  const logs = new LogCapture();
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const fallbackEvents: GatewayEventMap['audit.fallback'][] = [];
  events.on('audit.fallback', (e) => void fallbackEvents.push(e));
  const log = new AuditLog(sink, { fallback, events, logger: pino(logs.stream), ...options });
  return { log, fallback, fallbackEvents, logs };
}

describe('AuditLog', () => {
  it('returns from record() before the sink has written anything', async () => {
    const sink = new GatedSink();
    const { log } = setup(sink);
    log.record(record(1));
    expect(sink.batches).toHaveLength(0);
    expect(log.pending).toBe(1);
    const flushed = log.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.batches).toHaveLength(1);
    sink.release();
    await flushed;
    expect(log.stats.written).toBe(1);
  });

  it('batches the records of one turn of the event loop, in order', async () => {
    const sink = new MemoryAuditSink();
    const { log } = setup(sink);
    for (let i = 0; i < 5; i++) log.record(record(i));
    await log.flush();
    expect(sink.records.map((r) => r.timestamp)).toEqual([0, 1, 2, 3, 4]);
  });

  it('flush() waits for records queued while a write is in flight', async () => {
    const sink = new GatedSink();
    const { log } = setup(sink);
    log.record(record(1));
    const first = log.flush();
    await new Promise((resolve) => setImmediate(resolve));
    log.record(record(2));
    let done = false;
    const second = log.flush().then(() => (done = true));
    sink.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.batches).toHaveLength(2);
    expect(done).toBe(false);
    sink.release();
    await Promise.all([first, second]);
    expect(sink.batches.flat().map((r) => r.timestamp)).toEqual([1, 2]);
  });

  it('sends a batch the sink rejects to the fallback, marked, with an audit.fallback event and one error log', async () => {
    const sink = new MemoryAuditSink();
    sink.failWith = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const { log, fallback, fallbackEvents, logs } = setup(sink);
    log.record(record(1));
    log.record(record(2));
    await log.flush();
    log.record(record(3));
    await log.flush();
    expect(fallback.records).toEqual([
      { ...record(1), audit_fallback: 'memory' },
      { ...record(2), audit_fallback: 'memory' },
      { ...record(3), audit_fallback: 'memory' },
    ]);
    expect(fallbackEvents.map((e) => [e.sink, e.records, e.error.message])).toEqual([
      ['memory', 2, 'EACCES: permission denied'],
      ['memory', 1, 'EACCES: permission denied'],
    ]);
    expect(log.stats).toEqual({ written: 0, fallback: 3, lost: 0 });
    expect(logs.lines.filter((l) => l['level'] === 50)).toHaveLength(1);

    sink.failWith = undefined;
    log.record(record(4));
    await log.flush();
    expect(sink.records).toHaveLength(1);
    expect(logs.messages()).toContain('the memory audit sink works again');
  });

  it('sends new records to the fallback when the sink is too far behind, instead of growing without bound', async () => {
    const sink = new GatedSink();
    const { log, fallback } = setup(sink, { maxQueue: 2 });
    for (let i = 0; i < 4; i++) log.record(record(i));
    await new Promise((resolve) => setImmediate(resolve));
    expect(fallback.records.map((r) => r.timestamp)).toEqual([2, 3]);
    sink.release();
    await log.flush();
    expect(log.stats).toMatchObject({ written: 2, fallback: 2 });
  });

  it('close() writes everything queued, then closes the sink', async () => {
    const sink = new MemoryAuditSink();
    let closed = false;
    sink.close = async () => {
      closed = true;
    };
    const { log } = setup(sink);
    log.record(record(1));
    await log.close();
    expect(sink.records).toHaveLength(1);
    expect(closed).toBe(true);
  });
});
