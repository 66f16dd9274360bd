import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './restart-policy.js';

describe('RestartPolicy', () => {
  it('doubles the wait with each crash of the last minute, up to the cap, and forgets old crashes', () => {
    let time = 1_000_000;
    const policy = new RestartPolicy({ now: () => time, maxDelayMs: 500 });
    const waits = [1, 2, 3, 4, 5].map(() => policy.workerDied({ listened: true }));
    expect(waits).toEqual([{ restartInMs: 100 }, { restartInMs: 200 }, { restartInMs: 400 }, { restartInMs: 500 }, { restartInMs: 500 }]);
    time += 61_000;
    expect(policy.workerDied({ listened: true })).toEqual({ restartInMs: 100 });
  });

  it('gives up when workers keep dying before they listen, unless one listened in between', () => {
    const policy = new RestartPolicy({ maxStartupFailures: 3 });
    expect(policy.workerDied({ listened: false })).toHaveProperty('restartInMs');
    expect(policy.workerDied({ listened: false })).toHaveProperty('restartInMs');
    policy.workerListening();
    expect(policy.workerDied({ listened: false })).toHaveProperty('restartInMs');
    expect(policy.workerDied({ listened: false })).toHaveProperty('restartInMs');
    expect(policy.workerDied({ listened: false })).toEqual({ giveUp: '3 workers in a row died before they listened' });
  });
});
