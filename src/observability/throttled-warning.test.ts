import { describe, expect, it } from 'vitest';
import { LogCapture } from '../../test/support/gateway-harness.js';
import { createLogger } from './logger.js';
import { ThrottledWarning } from './throttled-warning.js';

describe('ThrottledWarning', () => {
  it('logs the first occurrence, then at most one line per interval saying how many it stands for', () => {
    const logs = new LogCapture();
    let now = 1_000;
    const warning = new ThrottledWarning(createLogger({ destination: logs.stream }), 10_000, () => now);
    for (let i = 0; i < 5; i++) warning.warn({ store: 'redis' }, 'store down');
    expect(logs.lines).toHaveLength(1);
    now += 9_999;
    warning.warn({ store: 'redis' }, 'store down');
    expect(logs.lines).toHaveLength(1);
    now += 1;
    warning.warn({ store: 'redis' }, 'store down');
    expect(logs.lines).toHaveLength(2);
    expect(logs.lines[1]).toMatchObject({ level: 'warn', store: 'redis', suppressed_since_last: 5, msg: 'store down' });
    expect(warning.count).toBe(7);
  });
});
