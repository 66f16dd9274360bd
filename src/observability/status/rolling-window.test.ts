import { describe, expect, it } from 'vitest';
import { RollingWindow, type WindowSlot } from './rolling-window.js';

class Count implements WindowSlot {
  n = 0;
  clear(): void {
    this.n = 0;
  }
}

function windowAt(seconds: number) {
  const clock = { ms: 1_700_000_000_000 };
  const window = new RollingWindow(seconds, () => new Count(), () => clock.ms);
  const series = (span?: number): (number | null)[] => {
    const out: (number | null)[] = [];
    window.forEach((slot) => out.push(slot ? slot.n : null), span);
    return out;
  };
  return { clock, window, series };
}

describe('RollingWindow', () => {
  it('counts into the current second and lists seconds oldest first', () => {
    const { clock, window, series } = windowAt(5);
    window.current().n += 2;
    clock.ms += 1000;
    window.current().n += 1;
    clock.ms += 2000;
    window.current().n += 7;
    expect(series()).toEqual([null, 2, 1, null, 7]);
  });

  it('drops seconds that have left the window', () => {
    const { clock, window, series } = windowAt(3);
    window.current().n = 4;
    clock.ms += 3000;
    expect(series()).toEqual([null, null, null]);
    window.current().n += 1;
    // The slot was reused for the new second and cleared first.
    expect(series()).toEqual([null, null, 1]);
  });

  it('forgets everything after a long quiet period', () => {
    const { clock, window, series } = windowAt(60);
    for (let i = 0; i < 60; i++) {
      window.current().n++;
      clock.ms += 1000;
    }
    expect(series().filter((n) => n !== null)).toHaveLength(59);
    clock.ms += 10 * 60_000;
    expect(series().every((n) => n === null)).toBe(true);
  });

  it('visits only the most recent seconds when asked for a shorter span', () => {
    const { clock, window, series } = windowAt(10);
    for (let i = 1; i <= 10; i++) {
      window.current().n = i;
      clock.ms += 1000;
    }
    clock.ms -= 1000;
    expect(series(3)).toEqual([8, 9, 10]);
  });
});
