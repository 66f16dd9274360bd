import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/gateway-harness.js';
import type { AuditRecord } from './audit-record.js';
import { FileAuditSink } from './file-audit-sink.js';

function record(n: number): AuditRecord {
  return { event: 'llm_request', timestamp: n, request_id: `req-${String(n).padStart(4, '0')}`, attempt: 1, provider: 'p', model: 'm', agent: 'a', agent_version: null, streamed: false, prompt_length: 1, temperature: 0, max_tokens: 1, tools_count: 0 };
}
const LINE_BYTES = Buffer.byteLength(`${JSON.stringify(record(1000))}\n`);

function lines(path: string): number[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as AuditRecord).timestamp);
}

describe('FileAuditSink', () => {
  it('appends JSON lines to the file, creating its directory, readable by the owner only', async () => {
    const path = join(tempDir(), 'nested', 'audit.jsonl');
    const sink = new FileAuditSink({ path, maxFileBytes: 1_000_000, maxFiles: 2 });
    await sink.write([record(1000), record(1001)]);
    await sink.write([record(1002)]);
    await sink.close();
    expect(lines(path)).toEqual([1000, 1001, 1002]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('appends to an existing file and counts its size', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    writeFileSync(path, `${JSON.stringify(record(1000))}\n`);
    const sink = new FileAuditSink({ path, maxFileBytes: LINE_BYTES * 2, maxFiles: 2 });
    await sink.write([record(1001)]);
    await sink.write([record(1002)]);
    await sink.close();
    expect(lines(path)).toEqual([1002]);
    expect(lines(`${path}.1`)).toEqual([1000, 1001]);
  });

  it('rotates by size, keeping max_files rotated files, newest first', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    const sink = new FileAuditSink({ path, maxFileBytes: LINE_BYTES * 2, maxFiles: 2 });
    for (let n = 1000; n < 1009; n++) await sink.write([record(n)]);
    await sink.close();
    expect(lines(path)).toEqual([1008]);
    expect(lines(`${path}.1`)).toEqual([1006, 1007]);
    expect(lines(`${path}.2`)).toEqual([1004, 1005]);
    expect(existsSync(`${path}.3`)).toBe(false);
  });

  it('never splits a batch: one larger than the limit goes into one file, whole', async () => {
    const path = join(tempDir(), 'audit.jsonl');
    const sink = new FileAuditSink({ path, maxFileBytes: LINE_BYTES, maxFiles: 3 });
    await sink.write([record(1000)]);
    await sink.write([record(1001), record(1002), record(1003)]);
    await sink.close();
    expect(lines(path)).toEqual([1001, 1002, 1003]);
    expect(lines(`${path}.1`)).toEqual([1000]);
  });

  it('rejects when the file cannot be written (so the audit log falls back), and works once it can', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'blocker'), 'a file where a directory should be');
    const path = join(dir, 'blocker', 'audit.jsonl');
    const sink = new FileAuditSink({ path, maxFileBytes: 1_000_000, maxFiles: 2 });
    await expect(sink.write([record(1000)])).rejects.toMatchObject({ code: expect.stringMatching(/ENOTDIR|EEXIST/) });
    const good = new FileAuditSink({ path: join(dir, 'ok', 'audit.jsonl'), maxFileBytes: 1_000_000, maxFiles: 2 });
    await good.write([record(1001)]);
    await good.close();
    expect(lines(join(dir, 'ok', 'audit.jsonl'))).toEqual([1001]);
  });
});
