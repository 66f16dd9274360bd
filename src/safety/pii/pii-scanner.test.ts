import { describe, expect, it } from 'vitest';
import { ibanChecksumValid, luhnValid } from './check-digits.js';
import { PiiScanner } from './pii-scanner.js';
import { PII_TYPES, toPiiType, type PiiType } from './pii-type.js';

const all = PiiScanner.build(PII_TYPES);
const only = (type: PiiType) => PiiScanner.build([type]);
/** The values of `type` found in `text`, as written. */
const found = (type: PiiType, text: string): string[] => only(type).scan(text).map((span) => text.slice(span.start, span.end));

describe('check digits', () => {
  it('passes valid Luhn numbers and fails a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('41x1')).toBe(false);
  });

  it('passes valid IBANs by mod 97 and fails a changed character', () => {
    expect(ibanChecksumValid('DE89370400440532013000')).toBe(true);
    expect(ibanChecksumValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanChecksumValid('DE89370400440532013001')).toBe(false);
    expect(ibanChecksumValid('GB82WEST12345698765433')).toBe(false);
  });
});

describe('detectors: what they find, and the near misses they leave', () => {
  it('e-mail addresses, not handles, bare domains or addresses without a top-level domain', () => {
    expect(found('email', 'write to ada.lovelace+gw@mail.example.co.uk, or (bob@example.com).')).toEqual(['ada.lovelace+gw@mail.example.co.uk', 'bob@example.com']);
    expect(found('email', 'ask @ada on chat, see example.com, user@localhost, a@b.c, x@-bad.com, y@bad-.com')).toEqual([]);
    expect(found('email', '.leading.dot@example.org')).toEqual(['leading.dot@example.org']);
  });

  it('phone numbers in North American and international form, not dates, times, IPs or bare digit runs', () => {
    expect(found('phone', 'call (555) 123-4567, 555-123-4567, 555.123.4567, +1 415 555 2671 or +44 20 7946 0958; +4915112345678.')).toEqual([
      '(555) 123-4567', '555-123-4567', '555.123.4567', '+1 415 555 2671', '+44 20 7946 0958', '+4915112345678',
    ]);
    expect(found('phone', 'on 2024-01-15 at 10:30:45, order 5551234567, host 192.168.100.200, v1.234.5678, 155-123-4567, 555-123-45678')).toEqual([]);
  });

  it('card numbers that pass Luhn and start like a network, not a mistyped one or another long number', () => {
    expect(found('credit_card', 'visa 4111 1111 1111 1111, mc 5500-0000-0000-0004, amex 3782 822463 10005, discover 6011111111111117.')).toEqual([
      '4111 1111 1111 1111', '5500-0000-0000-0004', '3782 822463 10005', '6011111111111117',
    ]);
    // Invalid Luhn; a Luhn-valid number no network issues (starts with 1); 12 digits; mixed separators.
    expect(found('credit_card', '4111 1111 1111 1112, 1111111111111117, 411111111111, 4111-1111 1111-1111')).toEqual([]);
  });

  it('a card followed by its security code is still found', () => {
    expect(found('credit_card', 'card 4111 1111 1111 1111 123 exp 12/29')).toEqual(['4111 1111 1111 1111']);
  });

  it('SSNs the SSA issues, not the ranges it never does, nor dates or nine bare digits', () => {
    expect(found('ssn', 'ssn 123-45-6789 or 078 05 1120.')).toEqual(['123-45-6789', '078 05 1120']);
    expect(found('ssn', '000-12-3456 666-12-3456 900-12-3456 123-00-4567 123-45-0000 123456789 2024-01-15 123-45-6789-0 123-45 6789')).toEqual([]);
  });

  it('IBANs with a valid check and the country length, grouped or not; not a changed one', () => {
    expect(found('iban', 'pay DE89 3704 0044 0532 0130 00 or GB82WEST12345698765432 today')).toEqual(['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432']);
    expect(found('iban', 'DE89 3704 0044 0532 0130 01, DE89370400440532013000X, ZZ89370400440532013000')).toEqual([]);
    expect(found('iban', 'DE89 3704 0044 0532 0130 00 12')).toEqual(['DE89 3704 0044 0532 0130 00']);
  });

  it('IPv4 and IPv6 addresses, not version strings, out-of-range octets, times or C++ scopes', () => {
    expect(found('ip_address', 'from 203.0.113.7, 10.0.0.1. and 2001:db8::8a2e:370:7334 or fe80::1 or ::ffff:192.0.2.1')).toEqual([
      '203.0.113.7', '10.0.0.1', '2001:db8::8a2e:370:7334', 'fe80::1', '::ffff:192.0.2.1',
    ]);
    expect(found('ip_address', 'v1.2.3.4, 1.2.3.4.5, 256.1.1.1, 10:30:45, std::vector, a::b, 1.2.3')).toEqual([]);
  });

  it('API keys by their vendors\' shapes, not words that start the same way', () => {
    const keys = [
      'sk-proj-abcdefghijklmnopqrstuvwxyz012345',
      'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
      'ghp_0123456789abcdefghijABCDEFGHIJ012345',
      'glpat-abcdefghij0123456789',
      'AKIAIOSFODNN7EXAMPLE',
      'AIzaSyA-1234567890abcdefghijklmnopqrstu',
      'sk_live_0123456789abcdefABCD',
      'xoxb-1234567890-abcdefghij',
    ];
    expect(found('api_key', keys.join(' and '))).toEqual(keys);
    expect(found('api_key', 'sk-short, task-abcdefghijklmnopqrstuvwxyz, desk-lamp, AKIA1234')).toEqual([]);
  });
});

describe('PiiScanner', () => {
  it('replaces each value with its type\'s marker and counts them by type, never keeping a value', () => {
    const result = all.redact('Mail ada@example.com or bob@example.org, card 4111 1111 1111 1111, SSN 123-45-6789.');
    expect(result.text).toBe('Mail [REDACTED:EMAIL] or [REDACTED:EMAIL], card [REDACTED:CREDIT_CARD], SSN [REDACTED:SSN].');
    expect(result.counts).toEqual({ email: 2, credit_card: 1, ssn: 1 });
    expect(result.found).toBe(4);
  });

  it('redacts only the types it was built for', () => {
    expect(PiiScanner.build(['email']).redact('ada@example.com 123-45-6789').text).toBe('[REDACTED:EMAIL] 123-45-6789');
  });

  it('merges overlapping values into one marker, named after the first', () => {
    expect(all.redact('x 555-123-4567@example.com').text).toBe('x [REDACTED:EMAIL]');
  });

  it('is idempotent: markers hold nothing a detector finds', () => {
    const once = all.redact('ada@example.com 4111111111111111 DE89370400440532013000 203.0.113.7').text;
    expect(all.redact(once).text).toBe(once);
    expect(all.redact(once).found).toBe(0);
  });

  it('returns the same string when there is nothing to redact', () => {
    const text = 'Nothing personal here, just 42 words and a date: 2024-01-15.';
    expect(all.redact(text).text).toBe(text);
  });
});

describe('PiiStreamRedactor', () => {
  const text =
    'Hi, I am Ada (ada.lovelace@example.com, +44 20 7946 0958). Card 4111 1111 1111 1111, SSN 123-45-6789, ' +
    'IBAN DE89 3704 0044 0532 0130 00, from 2001:db8::8a2e:370:7334 and 203.0.113.7, key sk-proj-abcdefghijklmnopqrstuvwxyz012345. Thanks!';
  const whole = all.redact(text);

  it('redacts a text split in two at every position as it redacts the whole', () => {
    for (let at = 0; at <= text.length; at++) {
      const stream = all.stream();
      const out = stream.push(text.slice(0, at)) + stream.push(text.slice(at)) + stream.flush();
      expect(out, `split at ${at}`).toBe(whole.text);
      expect(stream.counts).toEqual(whole.counts);
    }
  });

  it('redacts a text sent one character at a time as it redacts the whole', () => {
    const stream = all.stream();
    let out = '';
    for (const char of text) out += stream.push(char);
    expect(out + stream.flush()).toBe(whole.text);
  });

  it('holds no more than a value being written needs: nothing after a space, one word otherwise', () => {
    const stream = PiiScanner.build(['email', 'phone', 'ssn', 'credit_card']).stream();
    expect(stream.push('The answer is ')).toBe('The answer is ');
    expect(stream.held).toBe(0);
    expect(stream.push('yes, write to ada@exa')).toBe('yes, write to ');
    expect(stream.push('mple.com soon')).toBe('[REDACTED:EMAIL] ');
    expect(stream.held).toBe('soon'.length);
    expect(stream.flush()).toBe('soon');
  });

  it('never holds more than the longest value plus two characters', () => {
    const stream = all.stream();
    for (let i = 0; i < 100; i++) stream.push('abcdefghij');
    const longest = Math.max(...all.detectors.map((detector) => detector.maxLength));
    expect(stream.held).toBeLessThanOrEqual(longest + 2);
  });
});

describe('toPiiType', () => {
  it('reads the names manifests use, in any case, and knows the ones it does not detect', () => {
    expect(toPiiType('EMAIL')).toBe('email');
    expect(toPiiType('credit-card')).toBe('credit_card');
    expect(toPiiType('ip')).toBe('ip_address');
    expect(toPiiType('password')).toBeUndefined();
  });
});
