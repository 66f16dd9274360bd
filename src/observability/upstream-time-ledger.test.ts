import { describe, expect, it } from 'vitest';
import { UpstreamTimeLedger } from './upstream-time-ledger.js';

describe('UpstreamTimeLedger', () => {
  it('sums the upstream calls and backoff of an open request and forgets it on close', () => {
    const ledger = new UpstreamTimeLedger();
    ledger.open('r1');
    ledger.addCall('r1', 120);
    ledger.addWait('r1', 200);
    ledger.addCall('r1', 80);
    expect(ledger.close('r1')).toEqual({ calls: 2, upstreamMs: 200, waitedMs: 200 });
    expect(ledger.size).toBe(0);
    expect(ledger.close('r1')).toBeUndefined();
  });

  it('ignores calls of requests that were never opened (in-process executions cost nothing)', () => {
    const ledger = new UpstreamTimeLedger();
    ledger.addCall('library-call', 50);
    ledger.addWait('library-call', 50);
    expect(ledger.size).toBe(0);
  });

  it('keeps a reused request id open until every request under it has closed', () => {
    const ledger = new UpstreamTimeLedger();
    ledger.open('same');
    ledger.open('same');
    ledger.addCall('same', 10);
    expect(ledger.close('same')).toMatchObject({ calls: 1 });
    ledger.addCall('same', 5);
    expect(ledger.close('same')).toMatchObject({ calls: 2, upstreamMs: 15 });
    expect(ledger.size).toBe(0);
  });

  it('never holds more than its capacity, dropping the oldest request', () => {
    const ledger = new UpstreamTimeLedger(3);
    for (const id of ['a', 'b', 'c', 'd']) ledger.open(id);
    expect(ledger.size).toBe(3);
    expect(ledger.close('a')).toBeUndefined();
    expect(ledger.close('d')).toEqual({ calls: 0, upstreamMs: 0, waitedMs: 0 });
  });
});
