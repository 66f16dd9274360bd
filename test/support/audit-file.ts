import { existsSync, readFileSync } from 'node:fs';
import type { AuditRecord } from '../../src/audit/audit-record.js';

/** An audit file as written: its records, and whether it ends on a whole line. */
export interface AuditFile {
  readonly records: AuditRecord[];
  /** The raw text, for the artifacts. */
  readonly text: string;
  /** True when the text ends with a newline: the last record was written whole (flushed). */
  readonly endsWhole: boolean;
}

/**
 * Reads a JSON-lines audit file (and its rotated siblings `.1`, `.2`, ..., oldest first).
 * Throws on a line that is not JSON: a torn record is a finding, not something to skip.
 */
export function readAuditFile(path: string): AuditFile {
  const parts: string[] = [];
  for (let n = 1; existsSync(`${path}.${n}`); n += 1) parts.unshift(readFileSync(`${path}.${n}`, 'utf8'));
  if (existsSync(path)) parts.push(readFileSync(path, 'utf8'));
  const text = parts.join('');
  const records = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as AuditRecord;
      } catch {
        throw new Error(`audit line ${index + 1} is not JSON: ${line.slice(0, 200)}`);
      }
    });
  return { records, text, endsWhole: text === '' || text.endsWith('\n') };
}

/** The audit events of each request id, in file order (e.g. `['llm_request', 'llm_response']`). */
export function auditEventsById(records: readonly AuditRecord[]): Map<string, string[]> {
  const byId = new Map<string, string[]>();
  for (const record of records) {
    const events = byId.get(record.request_id) ?? [];
    events.push(record.event);
    byId.set(record.request_id, events);
  }
  return byId;
}
