import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_REDACTED_LENGTH, REDACTED, SecretScanner } from './secret-scanner.js';

const KEY = 'sk-ant-api03-CHAOSanthropicSECRET7f3a';
const ADMIN = 'ossa-admin-CHAOSadminSECRET2c4e';

/** The folding the scanner promises: ASCII case and `-`/`_` do not matter. */
const fold = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/-/g, '_');

/** The obvious, slow redaction the automaton must agree with: every occurrence, overlapping ones merged. */
function naiveRedact(text: string, secrets: readonly string[]): string {
  const folded = fold(text);
  const spans: [number, number][] = [];
  for (const secret of new Set(secrets.filter((s) => s.length >= MIN_REDACTED_LENGTH).map(fold))) {
    for (let at = folded.indexOf(secret); at >= 0; at = folded.indexOf(secret, at + 1)) spans.push([at, at + secret.length - 1]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  let out = '';
  let at = 0;
  for (const [start, end] of merged) {
    out += text.slice(at, start) + REDACTED;
    at = end + 1;
  }
  return out + text.slice(at);
}

/** Feeds `text` to a stream redactor cut at `cuts`, and joins what it let out. */
function streamed(scanner: SecretScanner, text: string, cuts: readonly number[]): string {
  const stream = scanner.stream();
  let out = '';
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out += stream.push(text.slice(at, cut));
    at = Math.max(at, cut);
  }
  return out + stream.push(text.slice(at)) + stream.flush();
}

describe('SecretScanner', () => {
  const scanner = SecretScanner.build([KEY, ADMIN]);

  it('replaces an exact copy, and returns the very same string when there is none', () => {
    expect(scanner.redact(`Authorization: Bearer ${KEY}`)).toBe(`Authorization: Bearer ${REDACTED}`);
    const clean = 'nothing to see here: sk-ant-api03 without the rest';
    expect(scanner.redact(clean)).toBe(clean);
    expect(scanner.contains(clean)).toBe(false);
  });

  it('finds case-folded copies and copies with - and _ exchanged', () => {
    for (const copy of [KEY.toUpperCase(), KEY.toLowerCase(), KEY.replace(/-/g, '_'), fold(KEY), ADMIN.replace(/-/g, '_').toUpperCase()]) {
      expect(scanner.redact(`<${copy}>`), copy).toBe(`<${REDACTED}>`);
      expect(scanner.contains(copy), copy).toBe(true);
    }
  });

  it('finds every occurrence of every secret, overlapping ones as one', () => {
    expect(scanner.redact(`${KEY} and ${ADMIN}, ${KEY}${KEY}`)).toBe(`${REDACTED} and ${REDACTED}, ${REDACTED}${REDACTED}`);
    const overlapping = SecretScanner.build(['abcdefgh', 'efghijkl']);
    expect(overlapping.redact('xxabcdefghijklyy')).toBe(`xx${REDACTED}yy`);
    // A secret inside a longer one is covered by the longer.
    expect(SecretScanner.build(['abcdefgh', 'xxabcdefghxx']).redact('_xxabcdefghxx_')).toBe(`_${REDACTED}_`);
  });

  it('leaves out secrets too short to search for, and knows none when given none', () => {
    const short = SecretScanner.build(['abc', 'x'.repeat(MIN_REDACTED_LENGTH - 1)]);
    expect(short.size).toBe(0);
    expect(short.redact('abc xxxxxxx')).toBe('abc xxxxxxx');
    expect(SecretScanner.build([KEY, KEY.toUpperCase()]).size).toBe(1);
  });

  it('handles secrets with characters beyond ASCII', () => {
    const unicode = SecretScanner.build(['pässwörd-ünïcode']);
    expect(unicode.redact('a pässwörd_ünïcode b')).toBe(`a ${REDACTED} b`);
  });

  it('agrees with a naive search on random texts and secrets', () => {
    const alphabet = fc.constantFrom(...'aAbB-_c1'.split(''));
    const word = (min: number, max: number) => fc.array(alphabet, { minLength: min, maxLength: max }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.array(word(MIN_REDACTED_LENGTH, 12), { minLength: 1, maxLength: 4 }), word(0, 80), (secrets, text) => {
        expect(SecretScanner.build(secrets).redact(text)).toBe(naiveRedact(text, secrets));
      }),
      { numRuns: 500 },
    );
  });

  describe('streamed', () => {
    it('holds back a tail that may begin a secret, and lets it out once it cannot', () => {
      const stream = scanner.stream();
      expect(stream.push('hello sk-ant')).toBe('hello ');
      expect(stream.push('-api03-CHAOS')).toBe('');
      expect(stream.push('anthropicSECRET7f3a tail')).toBe(`${REDACTED} tail`);
      expect(stream.push(' more s')).toBe(' more ');
      expect(stream.flush()).toBe('s');
    });

    it('never lets a secret through, however the text is cut, and changes nothing else', () => {
      const secrets = [KEY, ADMIN, 'abababab', 'bababab_'];
      const streamScanner = SecretScanner.build(secrets);
      const piece = fc.oneof(fc.constantFrom(KEY, KEY.toUpperCase(), ADMIN.replace(/-/g, '_'), 'abababab', 'sk-ant', 'ossa-'), fc.string({ maxLength: 12 }));
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')), fc.array(fc.nat(200), { maxLength: 10 }), (text, cuts) => {
          const out = streamed(streamScanner, text, cuts);
          expect(streamScanner.contains(out)).toBe(false);
          // Whole, it is the redaction of the whole text, markers of a secret cut in two aside.
          const runs = /(?:\[redacted\])+/g;
          expect(out.replace(runs, REDACTED)).toBe(streamScanner.redact(text).replace(runs, REDACTED));
        }),
        { numRuns: 500 },
      );
    });

    it('passes text straight through when no secret is known', () => {
      const none = SecretScanner.build([]).stream();
      expect(none.push('sk-ant')).toBe('sk-ant');
      expect(none.flush()).toBe('');
    });
  });
});
