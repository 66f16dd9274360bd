/**
 * Durations and byte sizes as people write them in ossa.yaml: what Symfony's rate limiter
 * accepts (`"1 hour"`, `"15 minutes"`, `"1 hour 30 minutes"`), short forms (`"1h"`, `"500ms"`),
 * and sizes such as `"1mb"` or `"512 KiB"`.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Milliseconds per unit. A month is 30 days and a year 365: Symfony's are calendar-dependent. */
const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1, msec: 1, msecs: 1, millisecond: 1, milliseconds: 1,
  s: SECOND, sec: SECOND, secs: SECOND, second: SECOND, seconds: SECOND,
  m: MINUTE, min: MINUTE, mins: MINUTE, minute: MINUTE, minutes: MINUTE,
  h: HOUR, hr: HOUR, hrs: HOUR, hour: HOUR, hours: HOUR,
  d: DAY, day: DAY, days: DAY,
  w: 7 * DAY, week: 7 * DAY, weeks: 7 * DAY,
  month: 30 * DAY, months: 30 * DAY,
  y: 365 * DAY, year: 365 * DAY, years: 365 * DAY,
};

/** Bytes per unit. Like Fastify and the `bytes` package, `kb` means 1024 bytes, not 1000. */
const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1, byte: 1, bytes: 1,
  k: 1024, kb: 1024, kib: 1024,
  m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
  t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4,
};

/** What a duration looks like, for error messages. */
export const DURATION_EXPECTATION = 'a duration such as "1 hour", "30s" or a number of seconds';

/** What a byte size looks like, for error messages. */
export const BYTE_SIZE_EXPECTATION = 'a size such as "1mb", "512 KiB" or a number of bytes';

const NUMBER = /^\d+(?:\.\d+)?$/;
const DURATION_PART = /^\+?(\d+(?:\.\d+)?)\s*([a-z]+)\s*(?:,\s*|and\s+)?/;
const BYTE_SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/;

/**
 * Milliseconds in a duration: `"1 hour"`, `"30 seconds"`, `"1 hour 30 minutes"`, `"1h"`,
 * `"500ms"`, or a number (or numeric string) of seconds. Throws a `RangeError` otherwise.
 *
 * @example parseDuration('15 minutes') // 900000
 */
export function parseDuration(value: string | number): number {
  const ms = durationMs(value);
  if (ms === undefined) throw new RangeError(`expected ${DURATION_EXPECTATION}, got ${JSON.stringify(value)}`);
  return ms;
}

/**
 * Bytes in a size: `1048576`, `"1mb"`, `"512 KiB"`, `"64MB"` (units are powers of 1024).
 * Throws a `RangeError` otherwise.
 *
 * @example parseByteSize('64MB') // 67108864
 */
export function parseByteSize(value: string | number): number {
  const bytes = byteSize(value);
  if (bytes === undefined) throw new RangeError(`expected ${BYTE_SIZE_EXPECTATION}, got ${JSON.stringify(value)}`);
  return bytes;
}

/** The duration in milliseconds, or `undefined` when the value is not one. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * SECOND) : undefined;
  if (typeof value !== 'string') return undefined;
  let rest = value.trim().toLowerCase();
  if (NUMBER.test(rest)) return Math.round(Number(rest) * SECOND);
  if (rest === '') return undefined;
  let total = 0;
  while (rest !== '') {
    const match = DURATION_PART.exec(rest);
    const unit = match ? DURATION_UNITS[match[2]!] : undefined;
    if (!match || unit === undefined) return undefined;
    total += Number(match[1]) * unit;
    rest = rest.slice(match[0].length);
  }
  return Math.round(total);
}

/** The size in bytes, or `undefined` when the value is not one. */
export function byteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = BYTE_SIZE.exec(value.trim().toLowerCase());
  const unit = match ? BYTE_UNITS[match[2]!] : undefined;
  // A fraction of a unit is fine ("1.5mb"); a fraction of a byte is a typo.
  if (!match || unit === undefined || (unit === 1 && match[1]!.includes('.'))) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
