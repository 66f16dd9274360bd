import { describe, expect, it } from 'vitest';
import { normalizeConfig, parseConfigText } from '../../config/load-config.js';
import { perProcessLimits } from './per-process-limits.js';

const shared = { rate_limit: { storage: 'redis' }, cache: { storage: 'file' }, redis: { url: 'redis://127.0.0.1:6379' } };

describe('perProcessLimits', () => {
  it('finds nothing with one worker, whatever the stores', () => {
    expect(perProcessLimits(normalizeConfig({}, { env: {} }), 1)).toEqual([]);
  });

  it('finds nothing when every limit is shared (Redis, the file cache) or off', () => {
    expect(perProcessLimits(normalizeConfig({ ...shared, budgets: { storage: 'redis', global: { tokens_per_day: 10 } } }, { env: {} }), 4)).toEqual([]);
    expect(perProcessLimits(normalizeConfig({ rate_limit: { enabled: false }, cache: { enabled: false } }, { env: {} }), 2)).toEqual([]);
  });

  it('names each per-process store at its key, with the fix', () => {
    const loaded = parseConfigText('ossa:\n  rate_limit:\n    storage: memory\n  budgets:\n    user: { tokens_per_day: 1000 }\n  security:\n    admin_keys: ["${ADMIN}"]\n', '/etc/ossa.yaml', {});
    const problems = perProcessLimits(loaded, 3);
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ['rate_limit.storage', 3],
      ['budgets.storage', 5],
      ['cache.storage', 2],
      ['security.auth_throttle', 7],
    ]);
    expect(problems[0]).toMatchObject({ file: '/etc/ossa.yaml', message: expect.stringContaining('with 3 workers every limit would admit 3x its requests'), hint: expect.stringContaining('rate_limit.storage: redis') });
    expect(problems[2]!.hint).toContain('cache.storage: redis or cache.storage: file');
  });

  it('counts budgets the agents declare once the gateway is built', () => {
    const loaded = normalizeConfig({ ...shared }, { env: {} });
    expect(perProcessLimits(loaded, 2)).toEqual([]);
    expect(perProcessLimits(loaded, 2, { budgetsActive: true }).map((p) => p.path)).toEqual(['budgets.storage']);
  });
});
