import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../../secrets/generate-api-key.js';
import { isWellKnownDigest, keyWeakness, MIN_KEY_LENGTH } from './key-strength.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('keyWeakness', () => {
  it('refuses keys shorter than the minimum, saying how long they are and never what they are', () => {
    expect(keyWeakness('a')).toBe(`is 1 character long; at least ${MIN_KEY_LENGTH} are needed`);
    expect(keyWeakness('x7Qp')).toBe(`is 4 characters long; at least ${MIN_KEY_LENGTH} are needed`);
    expect(keyWeakness('Zq8rT1vW3yB5nM7kL9pD2fH4jG6sA0c')).toBe('is 31 characters long; at least 32 are needed');
  });

  it('refuses well-known defaults and placeholders, whatever their case, punctuation or length', () => {
    for (const key of ['admin', 'Admin', 'CHANGE-ME', 'password', 'secret', 'changeme-changeme-changeme-changeme', 'sk-your-api-key-here-0000000000000000', 'replace_me_with_a_real_key_please!!']) {
      expect(keyWeakness(key), key).toBe('is a well-known default or placeholder');
    }
  });

  it('refuses long keys of very few distinct characters', () => {
    expect(keyWeakness('a'.repeat(40))).toBe('has only 1 distinct characters');
    expect(keyWeakness('ab12'.repeat(10))).toBe('has only 4 distinct characters');
  });

  it('accepts generated keys and other long random ones', () => {
    for (let i = 0; i < 200; i++) expect(keyWeakness(generateApiKey())).toBeUndefined();
    expect(keyWeakness('ossa-admin-3f9c1e7a5b2d4c6e8f0a1b3c5d7e9f1a')).toBeUndefined();
  });
});

describe('isWellKnownDigest', () => {
  it('knows the digests of defaults and single characters, in either case of hexadecimal', () => {
    for (const key of ['admin', 'Admin', 'ADMIN', 'a', '1', 'changeme', 'password', 'api-key']) expect(isWellKnownDigest(sha256(key)), key).toBe(true);
    expect(isWellKnownDigest(sha256('admin').toUpperCase())).toBe(true);
    expect(isWellKnownDigest(sha256(generateApiKey()))).toBe(false);
  });
});
