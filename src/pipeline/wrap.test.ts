import { describe, expect, it } from 'vitest';
import { wrap, type Layer } from './wrap.js';

/** A layer that records its name around whatever it wraps. */
const named = (name: string): Layer<string[]> => (inner) => [name, ...inner];

describe('wrap', () => {
  it('puts the first layer outermost', () => {
    expect(wrap(['core'], [named('outer'), named('middle'), named('inner')])).toEqual(['outer', 'middle', 'inner', 'core']);
  });

  it('skips layers that are off (false or undefined), so "off" is "not in the list"', () => {
    const audit = false as boolean;
    const cache = undefined as Layer<string[]> | undefined;
    expect(wrap(['core'], [named('retry'), audit && named('audit'), cache, named('tracing')])).toEqual(['retry', 'tracing', 'core']);
  });

  it('returns the core itself when no layer is on', () => {
    const core = ['core'];
    expect(wrap(core, [false, undefined])).toBe(core);
  });
});
