import { describe, expect, it } from 'vitest';
import { parseByteSize, parseDuration } from './durations.js';

describe('parseDuration', () => {
  it.each([
    ['1 hour', 3_600_000],
    ['2 hours', 7_200_000],
    ['30 seconds', 30_000],
    ['15 minutes', 900_000],
    ['1 day', 86_400_000],
    ['1 week', 604_800_000],
    ['1 hour 30 minutes', 5_400_000],
    ['1 hour, 30 minutes', 5_400_000],
    ['+1 hour', 3_600_000],
    ['1h', 3_600_000],
    ['1m', 60_000],
    ['30s', 30_000],
    ['500ms', 500],
    ['1h30m', 5_400_000],
    [' 2 HOURS ', 7_200_000],
    ['1.5h', 5_400_000],
    ['90', 90_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('reads a bare number as seconds', () => {
    expect(parseDuration(60)).toBe(60_000);
    expect(parseDuration(0.25)).toBe(250);
  });

  it.each(['', 'hour', '1 fortnight', '1 hour and', '-5s', 'PT1H', '1 h h'])('rejects %j with the expected form', (text) => {
    expect(() => parseDuration(text)).toThrow(`expected a duration such as "1 hour", "30s" or a number of seconds, got ${JSON.stringify(text)}`);
  });

  it('rejects negative and non-finite numbers', () => {
    expect(() => parseDuration(-1)).toThrow(RangeError);
    expect(() => parseDuration(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('parseByteSize', () => {
  it.each([
    [1_048_576, 1_048_576],
    ['1048576', 1_048_576],
    ['1mb', 1_048_576],
    ['1MB', 1_048_576],
    ['64MB', 67_108_864],
    ['512 KiB', 524_288],
    ['512kb', 524_288],
    ['1.5k', 1536],
    ['2g', 2_147_483_648],
    ['100 bytes', 100],
    ['10b', 10],
  ])('reads %j as %d bytes', (value, bytes) => {
    expect(parseByteSize(value)).toBe(bytes);
  });

  it.each(['', 'mb', '1 zb', '-1mb', '1.5', 'lots'])('rejects %j', (text) => {
    expect(() => parseByteSize(text)).toThrow(`expected a size such as "1mb", "512 KiB" or a number of bytes, got ${JSON.stringify(text)}`);
  });

  it('rejects fractional and negative numbers', () => {
    expect(() => parseByteSize(1.5)).toThrow(RangeError);
    expect(() => parseByteSize(-1)).toThrow(RangeError);
  });
});
