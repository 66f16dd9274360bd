import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luhnValid } from './check-digits.js';
import { PiiScanner } from './pii-scanner.js';
import { PII_TYPES } from './pii-type.js';

const scanner = PiiScanner.build(PII_TYPES);

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
const word = (min: number, max: number) => fc.array(alnum, { minLength: min, maxLength: max }).map((chars) => chars.join(''));
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

/** `local@label.label.tld`: dotted local parts, `+` tags, hyphenated labels. */
const email = fc
  .tuple(
    fc.array(word(1, 10), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.')),
    fc.option(word(1, 6), { nil: undefined }),
    fc.array(fc.tuple(word(1, 8), fc.option(word(1, 5), { nil: undefined })).map(([a, b]) => (b ? `${a}-${b}` : a)), { minLength: 1, maxLength: 3 }),
    fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split('')), { minLength: 2, maxLength: 6 }).map((c) => c.join('')),
  )
  .map(([local, tag, labels, tld]) => `${local}${tag ? `+${tag}` : ''}@${labels.join('.')}.${tld}`);

/** A card number of a real network's length and prefix with its Luhn check digit, bare or grouped. */
const card = fc
  .tuple(fc.constantFrom({ prefix: '4', length: 16 }, { prefix: '51', length: 16 }, { prefix: '2221', length: 16 }, { prefix: '37', length: 15 }, { prefix: '6011', length: 16 }, { prefix: '4', length: 13 }), fc.integer({ min: 0, max: 2 }))
  .chain(([network, format]) =>
    digits(network.length - network.prefix.length - 1).map((body) => {
      const partial = network.prefix + body;
      const check = [...'0123456789'].find((d) => luhnValid(partial + d))!;
      const number = partial + check;
      if (format === 0 || number.length === 13) return number;
      const separator = format === 1 ? ' ' : '-';
      return number.length === 15 ? `${number.slice(0, 4)}${separator}${number.slice(4, 10)}${separator}${number.slice(10)}` : number.match(/.{4}/g)!.join(separator);
    }),
  );

/** An SSN of an issued range: area 001-665 or 667-899, group 01-99, serial 0001-9999. */
const ssn = fc
  .tuple(fc.integer({ min: 1, max: 899 }).filter((area) => area !== 666), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }), fc.constantFrom('-', ' '))
  .map(([area, group, serial, separator]) => [String(area).padStart(3, '0'), String(group).padStart(2, '0'), String(serial).padStart(4, '0')].join(separator));

/** Random text, and what separates it from the value (anything that is not part of one). */
const text = fc.string({ maxLength: 40, unit: 'grapheme' });
const separator = fc.constantFrom(' ', '\n', '\t', ' (', ') ', ': ', ', ', ' "', '" ');

/** `value` embedded in random text, and random points to cut the whole into stream deltas. */
const embedded = (value: fc.Arbitrary<string>) =>
  fc.record({ value, before: text, after: text, open: separator, close: separator, cuts: fc.array(fc.nat(), { maxLength: 8 }) });

function streamed(whole: string, cuts: number[]): string {
  const points = [...new Set(cuts.map((cut) => cut % (whole.length + 1)))].sort((a, b) => a - b);
  const stream = scanner.stream();
  let out = '';
  let at = 0;
  for (const point of points) {
    out += stream.push(whole.slice(at, point));
    at = point;
  }
  return out + stream.push(whole.slice(at)) + stream.flush();
}

describe('redact (property): no generated value survives, whole or streamed', () => {
  for (const [name, value] of [['e-mail address', email], ['card number', card], ['SSN', ssn]] as const) {
    it(`leaves no ${name} embedded in random text`, () => {
      fc.assert(
        fc.property(embedded(value), ({ value, before, after, open, close, cuts }) => {
          const whole = `${before}${open}${value}${close}${after}`;
          const redacted = scanner.redact(whole).text;
          expect(redacted).not.toContain(value);
          expect(streamed(whole, cuts)).toBe(redacted);
        }),
        { numRuns: 500 },
      );
    });
  }
});
