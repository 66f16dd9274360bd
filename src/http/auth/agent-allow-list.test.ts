import { describe, expect, it } from 'vitest';
import { AgentAllowList } from './agent-allow-list.js';

describe('AgentAllowList', () => {
  it('matches names exactly and globs with * and ?', () => {
    const list = new AgentAllowList(['faq', 'support-*', 'tier-?']);
    expect(['faq', 'support-', 'support-billing', 'tier-1'].map((a) => list.allows(a))).toEqual([true, true, true, true]);
    expect(['faq2', 'my-faq', 'support', 'tier-10', 'billing'].map((a) => list.allows(a))).toEqual([false, false, false, false, false]);
  });

  it('treats regular-expression characters literally', () => {
    const list = new AgentAllowList(['a.b']);
    expect(list.allows('a.b')).toBe(true);
    expect(list.allows('axb')).toBe(false);
  });
});
