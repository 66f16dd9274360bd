import { describe, expect, it } from 'vitest';
import { CHAOS_SECRET_MARKER, CHAOS_SECRETS, readChaosArtifacts, saveChaosArtifact } from '../support/chaos-artifacts.js';

describe('chaos harness', () => {
  it('starts from an empty artifact directory and keeps what a scenario saves', () => {
    expect(readChaosArtifacts().filter((a) => a.name === 'harness-smoke.txt')).toEqual([]);
    saveChaosArtifact('harness-smoke.txt', 'nothing secret here');
    expect(readChaosArtifacts().find((a) => a.name === 'harness-smoke.txt')?.text).toBe('nothing secret here\n');
  });

  it('marks every fake secret so one grep finds a leak', () => {
    for (const secret of Object.values(CHAOS_SECRETS)) expect(secret).toContain(CHAOS_SECRET_MARKER);
  });
});
