import { describe, expect, it } from 'vitest';
import { cacheModeOf } from './cache-directives.js';

describe('cacheModeOf', () => {
  it('reads no-store as bypass and no-cache as refresh, whatever the case and the other directives', () => {
    expect(cacheModeOf('no-store')).toBe('bypass');
    expect(cacheModeOf('No-Cache')).toBe('refresh');
    expect(cacheModeOf('max-age=0, no-cache')).toBe('refresh');
    expect(cacheModeOf(['private', 'no-store'])).toBe('bypass');
    expect(cacheModeOf('no-cache, no-store')).toBe('bypass');
    expect(cacheModeOf('no-cache="set-cookie"')).toBe('refresh');
  });

  it('leaves the mode alone for other directives and for lookalikes', () => {
    expect(cacheModeOf(undefined)).toBeUndefined();
    expect(cacheModeOf('max-age=60')).toBeUndefined();
    expect(cacheModeOf('no-cachet, x-no-store')).toBeUndefined();
    expect(cacheModeOf('max-age=60', 'refresh')).toBe('refresh');
  });

  it('lets the stricter of header and body win', () => {
    expect(cacheModeOf('no-cache', 'bypass')).toBe('bypass');
    expect(cacheModeOf('no-store', 'refresh')).toBe('bypass');
    expect(cacheModeOf('no-cache', 'default')).toBe('refresh');
    expect(cacheModeOf(undefined, 'bypass')).toBe('bypass');
  });
});
