import { describe, expect, it } from 'vitest';
import { originMatcher } from './cors.js';

describe('originMatcher', () => {
  it('allows exact origins (whatever the case), subdomains of a wildcard, and anything with *', () => {
    const verdict = originMatcher(['https://app.example.com', 'https://*.example.org', 'http://localhost:5173']);
    expect(verdict('https://app.example.com')).toBe('allowed');
    expect(verdict('HTTPS://APP.EXAMPLE.COM')).toBe('allowed');
    expect(verdict('http://localhost:5173')).toBe('allowed');
    expect(verdict('https://a.b.example.org')).toBe('allowed');
    expect(verdict(undefined)).toBe('none');
    expect(originMatcher(['*'])('https://anything.test')).toBe('allowed');
  });

  it('refuses lookalikes: another scheme, port or domain, the bare wildcard domain, a suffix trick', () => {
    const verdict = originMatcher(['https://app.example.com', 'https://*.example.org']);
    for (const origin of ['http://app.example.com', 'https://app.example.com:8443', 'https://app.example.com.evil.test', 'https://example.org', 'https://evilexample.org', 'http://x.example.org', 'null']) {
      expect(verdict(origin), origin).toBe('refused');
    }
  });
});
