import { describe, expect, it } from 'vitest';
import { nestedDeeperThan } from './json-depth.js';

describe('nestedDeeperThan', () => {
  it('counts each object and array as one level, scalars as none', () => {
    expect(nestedDeeperThan('text', 0)).toBe(false);
    expect(nestedDeeperThan({}, 1)).toBe(false);
    expect(nestedDeeperThan({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [1, { b: 2 }] }, 2)).toBe(true);
  });

  it('measures a document far deeper than the stack allows without overflowing', () => {
    const text = `${'['.repeat(400_000)}${']'.repeat(400_000)}`;
    expect(nestedDeeperThan({ deep: JSON.parse(text) as unknown }, 32)).toBe(true);
  });
});
