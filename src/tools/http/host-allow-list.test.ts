import { describe, expect, it } from 'vitest';
import { HostAllowList, isLoopbackHost } from './host-allow-list.js';

describe('HostAllowList', () => {
  const allows = (entries: string[], url: string) => new HostAllowList(entries).allows(new URL(url));

  it('matches a host at any port, case-insensitively, and a host:port at that port only (scheme defaults count)', () => {
    expect(allows(['Api.Example.com'], 'https://api.example.com:8443/x')).toBe(true);
    expect(allows(['api.example.com:443'], 'https://api.example.com/x')).toBe(true);
    expect(allows(['api.example.com:443'], 'http://api.example.com/x')).toBe(false);
    expect(allows(['api.example.com:8443'], 'https://api.example.com/x')).toBe(false);
  });

  it('matches *.example.com for subdomains at any depth, never the apex or a look-alike', () => {
    const list = ['*.example.com'];
    expect(allows(list, 'https://a.example.com/')).toBe(true);
    expect(allows(list, 'https://a.b.example.com/')).toBe(true);
    expect(allows(list, 'https://example.com/')).toBe(false);
    expect(allows(list, 'https://badexample.com/')).toBe(false);
    expect(allows(list, 'https://example.com.evil.net/')).toBe(false);
  });

  it('matches IPv6 addresses in brackets, and nothing when empty', () => {
    expect(allows(['[::1]:8080'], 'http://[::1]:8080/')).toBe(true);
    expect(allows(['[::1]:8080'], 'http://[::1]:8081/')).toBe(false);
    expect(allows([], 'http://127.0.0.1/')).toBe(false);
  });

  it('knows loopback hosts', () => {
    expect(['http://127.0.0.1/', 'http://127.4.5.6/', 'http://localhost/', 'http://[::1]/'].map((url) => isLoopbackHost(new URL(url)))).toEqual([true, true, true, true]);
    expect(['http://10.0.0.1/', 'http://localhost.evil.net/', 'http://128.0.0.1/'].map((url) => isLoopbackHost(new URL(url)))).toEqual([false, false, false]);
  });
});
