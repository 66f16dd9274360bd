import { apiKeyDetector } from './api-key-detector.js';
import { creditCardDetector } from './credit-card-detector.js';
import { emailDetector } from './email-detector.js';
import { ibanDetector } from './iban-detector.js';
import { ipAddressDetector } from './ip-address-detector.js';
import { phoneDetector } from './phone-detector.js';
import type { PiiDetector, PiiSpan } from './pii-detector.js';
import { PiiStreamRedactor } from './pii-stream-redactor.js';
import { PII_TYPES, type PiiCounts, type PiiType } from './pii-type.js';
import { countSpans, renderSpans } from './redact-spans.js';
import { ssnDetector } from './ssn-detector.js';

const DETECTORS: Readonly<Record<PiiType, PiiDetector>> = {
  email: emailDetector,
  phone: phoneDetector,
  credit_card: creditCardDetector,
  ssn: ssnDetector,
  iban: ibanDetector,
  ip_address: ipAddressDetector,
  api_key: apiKeyDetector,
};

/** A text with its personal data replaced, and what was replaced (types and counts, never values). */
export interface Redacted {
  readonly text: string;
  readonly counts: PiiCounts;
  /** Values replaced, all types together. */
  readonly found: number;
}

/**
 * The detectors of some PII types, run together over a text: every value found is one span;
 * spans that overlap (a phone number inside an e-mail address) are merged into one, named
 * after the one that starts first (the longer on a tie). Redacting replaces each span with
 * its marker (`[REDACTED:EMAIL]`); markers hold nothing any detector finds, so redacting is
 * idempotent.
 *
 * @example
 * const scanner = PiiScanner.build(['email', 'credit_card']);
 * scanner.redact('mail ada@example.com, card 4111 1111 1111 1111').text;
 * // 'mail [REDACTED:EMAIL], card [REDACTED:CREDIT_CARD]'
 */
export class PiiScanner {
  readonly types: readonly PiiType[];
  readonly detectors: readonly PiiDetector[];

  private constructor(types: readonly PiiType[]) {
    this.types = types;
    this.detectors = types.map((type) => DETECTORS[type]);
  }

  /** A scanner for `types` (duplicates ignored; in `PII_TYPES` order, so equal sets behave equally). */
  static build(types: Iterable<PiiType>): PiiScanner {
    const wanted = new Set(types);
    return new PiiScanner(PII_TYPES.filter((type) => wanted.has(type)));
  }

  /** The merged spans of every value that starts at or after `from` (characters before it are context), in order. */
  scan(text: string, from = 0): PiiSpan[] {
    const found: PiiSpan[] = [];
    for (const detector of this.detectors) detector.find(text, from, found);
    return mergeSpans(found);
  }

  /** What any detector finds in `text`, counted by type. */
  detect(text: string): PiiCounts {
    return countSpans(this.scan(text), {});
  }

  redact(text: string): Redacted {
    const spans = this.scan(text);
    if (spans.length === 0) return { text, counts: {}, found: 0 };
    return { text: renderSpans(text, 0, text.length, spans), counts: countSpans(spans, {}), found: spans.length };
  }

  /** A redactor for a text that arrives in pieces, holding back only what may be the start of a value (see `PiiStreamRedactor`). */
  stream(): PiiStreamRedactor {
    return new PiiStreamRedactor(this);
  }
}

/** Sorted, disjoint spans from possibly overlapping ones. */
function mergeSpans(spans: PiiSpan[]): PiiSpan[] {
  if (spans.length <= 1) return spans;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: PiiSpan[] = [spans[0]!];
  for (let i = 1; i < spans.length; i++) {
    const span = spans[i]!;
    const last = merged[merged.length - 1]!;
    if (span.start < last.end) {
      if (span.end > last.end) merged[merged.length - 1] = { type: last.type, start: last.start, end: span.end };
    } else {
      merged.push(span);
    }
  }
  return merged;
}
