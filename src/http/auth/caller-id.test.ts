import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callerIdOf } from './caller-id.js';

describe('callerIdOf', () => {
  it('keeps plain ids readable and escapes the separator inside a part', () => {
    expect(callerIdOf('web')).toBe('web');
    expect(callerIdOf('web', 'alice')).toBe('web:alice');
    expect(callerIdOf('gamma', 'vip')).toBe('gamma:vip');
    expect(callerIdOf('gamma:vip')).toBe('gamma%3Avip');
    expect(callerIdOf('a', 'b:c')).toBe('a:b%3Ac');
    expect(callerIdOf('a:b', 'c')).toBe('a%3Ab:c');
    expect(callerIdOf('100%', 'x')).toBe('100%25:x');
  });

  it('never gives two different (client, user) pairs the same id', () => {
    const part = fc.string({ unit: fc.constantFrom('a', ':', '%', '3', 'A', '2', '5'), maxLength: 6 });
    fc.assert(
      fc.property(part, fc.option(part, { nil: undefined }), part, fc.option(part, { nil: undefined }), (c1, u1, c2, u2) => {
        if (c1 === c2 && u1 === u2) return;
        expect(callerIdOf(c1, u1)).not.toBe(callerIdOf(c2, u2));
      }),
      { numRuns: 2000 },
    );
  });
});
