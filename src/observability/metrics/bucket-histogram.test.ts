import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BucketHistogram } from './bucket-histogram.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The same histogram twice, prom-client's and ours, each on its own registry. */
function pair(labelNames: ('agent' | 'outcome')[]) {
  const theirs = new Registry();
  const ours = new Registry();
  const config = { name: 'x_seconds', help: 'X time.', labelNames, buckets: BUCKETS };
  return {
    theirs,
    ours,
    prom: new Histogram({ ...config, registers: [theirs] }),
    bucket: new BucketHistogram({ ...config, registers: [ours] }),
  };
}

describe('BucketHistogram', () => {
  it("writes prom-client's exposition byte for byte and the same JSON, with labels", async () => {
    const { theirs, ours, prom, bucket } = pair(['agent', 'outcome']);
    const agents = ['support', 'reviewer', 'a"b\\c'];
    const outcomes = ['success', 'error'];
    // A fixed pseudo-random sequence: values below, on and above the bounds.
    let seed = 7;
    const next = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 500; i++) {
      const labels = { agent: agents[Math.floor(next() * 3)] as string, outcome: outcomes[Math.floor(next() * 2)] as string };
      const value = i % 17 === 0 ? BUCKETS[i % BUCKETS.length] as number : next() * (i % 5 === 0 ? 20 : 1);
      prom.observe(labels, value);
      bucket.observe(labels, value);
    }
    // A label object with its keys in the other order is the same series.
    prom.observe({ outcome: 'success', agent: 'support' }, 0.3);
    bucket.observe({ outcome: 'success', agent: 'support' }, 0.3);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await bucket.get()).toEqual(await prom.get());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  it('shows a histogram without labels at 0 before any observation, then as prom-client does', async () => {
    const { theirs, ours, prom, bucket } = pair([]);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    for (const value of [0, 0.001, 0.5, 1, 3, 1e9]) {
      prom.observe(value);
      bucket.observe(value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    prom.reset();
    bucket.reset();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it("refuses what prom-client refuses (a value that is not a finite number, an unknown label) and keeps counting after", async () => {
    const { ours, bucket } = pair(['agent']);
    expect(() => bucket.observe({ agent: 'a' }, Number.NaN)).toThrow(TypeError);
    expect(() => bucket.observe({ agent: 'a' }, Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => bucket.observe({ agent: 'a', outcome: 'x' } as never, 1)).toThrow(/not included in initial labelset/);
    bucket.observe({ agent: 'a' }, 0.02);
    const text = await ours.metrics();
    expect(text).toContain('x_seconds_bucket{le="0.025",agent="a"} 1');
    expect(text).toContain('x_seconds_count{agent="a"} 1');
  });

  it('zero, remove and labels() act as prom-client’s', async () => {
    const { theirs, ours, prom, bucket } = pair(['agent']);
    for (const h of [prom, bucket]) {
      h.zero({ agent: 'idle' });
      h.observe({ agent: 'busy' }, 0.2);
      h.labels('other').observe(0.7);
      h.labels({ agent: 'gone' }).observe(0.7);
      h.remove('gone');
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});
