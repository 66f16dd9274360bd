import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyRing } from './key-ring.js';

describe('KeyRing', () => {
  it('finds the owner of a key given as the key or as its SHA-256 digest, and no one for anything else', () => {
    const ring = new KeyRing<string>();
    ring.addKey('key-of-web', 'web');
    ring.addDigest(createHash('sha256').update('key-of-batch').digest('hex').toUpperCase(), 'batch');
    expect(ring.match('key-of-web')).toBe('web');
    expect(ring.match('key-of-batch')).toBe('batch');
    expect(ring.match('key-of-we')).toBeUndefined();
    expect(ring.match('key-of-web ')).toBeUndefined();
    expect(ring.match('')).toBeUndefined();
    expect(ring.size).toBe(2);
  });
});
