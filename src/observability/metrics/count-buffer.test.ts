import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CountBuffer } from './count-buffer.js';

describe('CountBuffer', () => {
  it('adds its counts to the counter at each read, once', async () => {
    const counts = new CountBuffer<'agent' | 'outcome'>();
    const registry = new Registry();
    const counter = new Counter({ name: 't_total', help: 't', labelNames: ['agent', 'outcome'], registers: [registry], collect() { counts.flushInto(this); } });
    counts.inc({ agent: 'a', outcome: 'success' }, 'a', 'success');
    counts.inc({ agent: 'a', outcome: 'success' }, 'a', 'success');
    counts.inc({ agent: 'b', outcome: 'error' }, 'b', 'error');
    const values = async () => (await counter.get()).values.map((v) => [v.labels['agent'], v.labels['outcome'], v.value]);
    expect(await values()).toEqual([['a', 'success', 2], ['b', 'error', 1]]);
    expect(await values()).toEqual([['a', 'success', 2], ['b', 'error', 1]]);
    counts.inc({ agent: 'b', outcome: 'error' }, 'b', 'error');
    expect(await registry.metrics()).toContain('t_total{agent="b",outcome="error"} 2');
  });
});
