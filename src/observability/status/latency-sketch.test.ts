import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencySketch } from './latency-sketch.js';

/** The exact q-quantile by the same rank rule the sketch uses. */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe('LatencySketch', () => {
  it('has no quantile without samples', () => {
    expect(new LatencySketch().quantile(0.5)).toBeNull();
  });

  it('reports p50 and p95 of a known distribution within 5%', () => {
    const sketch = new LatencySketch();
    for (let ms = 1; ms <= 1000; ms++) sketch.record(ms);
    expect(sketch.quantile(0.5)).toBeGreaterThan(500 * 0.95);
    expect(sketch.quantile(0.5)).toBeLessThan(500 * 1.05);
    expect(sketch.quantile(0.95)).toBeGreaterThan(950 * 0.95);
    expect(sketch.quantile(0.95)).toBeLessThan(950 * 1.05);
  });

  it('stays within 5% of the exact quantile for any latencies from 0.1 ms to 10 minutes', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.1, max: 600_000, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.constantFrom(0.5, 0.95, 0.99), (values, q) => {
        const sketch = new LatencySketch();
        for (const v of values) sketch.record(v);
        const exact = exactQuantile(values, q);
        const estimate = sketch.quantile(q)!;
        expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.05);
      }),
    );
  });

  it('merges the samples of another sketch', () => {
    const fast = new LatencySketch();
    const slow = new LatencySketch();
    for (let i = 0; i < 90; i++) fast.record(10);
    for (let i = 0; i < 10; i++) slow.record(2000);
    fast.merge(slow);
    expect(fast.total).toBe(100);
    expect(fast.quantile(0.5)).toBeCloseTo(10, -0.5);
    expect(fast.quantile(0.95)! / 2000).toBeGreaterThan(0.95);
  });

  it('forgets everything when cleared', () => {
    const sketch = new LatencySketch();
    sketch.record(5);
    sketch.clear();
    expect(sketch.total).toBe(0);
    expect(sketch.quantile(0.95)).toBeNull();
  });

  it('clamps zero, negative and absurd values to its range instead of failing', () => {
    const sketch = new LatencySketch();
    sketch.record(0);
    sketch.record(-3);
    sketch.record(Number.POSITIVE_INFINITY);
    expect(sketch.total).toBe(3);
    expect(sketch.quantile(0.5)).toBe(0.05);
    expect(sketch.quantile(1)).toBeGreaterThan(500_000);
  });
});
