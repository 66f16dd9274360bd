import { describe, expect, it } from 'vitest';
import { parseWorkerCount } from './worker-count.js';

describe('parseWorkerCount', () => {
  it('takes a whole number of workers, or auto for one per core', () => {
    expect(parseWorkerCount('1')).toBe(1);
    expect(parseWorkerCount('4')).toBe(4);
    expect(parseWorkerCount(3)).toBe(3);
    expect(parseWorkerCount('auto', () => 6)).toBe(6);
  });

  it('refuses zero, negatives, fractions, words and absurd counts', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '', ' 2', '1e3', '1025', 0, 2.5]) expect(parseWorkerCount(bad), String(bad)).toBeUndefined();
  });
});
