import type { PiiDetector, PiiSpan } from './pii-detector.js';
import { countSpans, renderSpans } from './redact-spans.js';
import type { PiiCounts } from './pii-type.js';

/** What the stream redactor needs of a scanner. */
interface SpanScanner {
  readonly detectors: readonly PiiDetector[];
  scan(text: string, from: number): PiiSpan[];
}

/**
 * Redacts a text that arrives in pieces (a streamed answer's deltas) as the whole text would
 * be redacted, holding back no more than a value still being written can need: for each
 * detector, the trailing run of characters a value of its type can hold (a word being
 * written, a number with its separators), at most its `maxLength` plus the two characters its
 * end is judged by. Prose ending in a space holds nothing; a value found across the boundary
 * is held until it is complete, then sent as its marker. One character before what is held
 * is kept as the context a value's start is judged by.
 *
 * @example
 * const stream = scanner.stream();
 * stream.push('mail ada@exa'); // 'mail '
 * stream.push('mple.com now'); // '[REDACTED:EMAIL] '
 * stream.flush();              // 'now'
 */
export class PiiStreamRedactor {
  readonly #scanner: SpanScanner;
  /** The last character already sent, as it was (the context of what is held). */
  #context = '';
  #held = '';
  readonly #counts: PiiCounts = {};
  #found = 0;

  constructor(scanner: SpanScanner) {
    this.#scanner = scanner;
  }

  /** What has been redacted so far (values sent as markers), by type. */
  get counts(): PiiCounts {
    return this.#counts;
  }

  get found(): number {
    return this.#found;
  }

  /** Characters received but not sent yet. */
  get held(): number {
    return this.#held.length;
  }

  /** The redacted text that can go out now (possibly empty); the rest is held. */
  push(chunk: string): string {
    if (chunk === '') return '';
    const text = this.#context + this.#held + chunk;
    const base = this.#context.length;
    const spans = this.#scanner.scan(text, base);
    let cut = text.length;
    for (const detector of this.#scanner.detectors) cut = Math.min(cut, pendingFrom(text, detector));
    cut = Math.max(base, cut);
    // A value that reaches past the cut is held whole: it is sent once, as its marker.
    for (let i = spans.length - 1; i >= 0; i--) {
      const span = spans[i]!;
      if (span.end <= cut) break;
      if (span.start < cut) cut = Math.max(base, span.start);
    }
    return this.#emit(text, base, cut, spans);
  }

  /** The held text, redacted: call it when the text is complete. */
  flush(): string {
    const text = this.#context + this.#held;
    const base = this.#context.length;
    const out = this.#emit(text, base, text.length, this.#scanner.scan(text, base));
    this.#context = '';
    return out;
  }

  #emit(text: string, base: number, cut: number, spans: readonly PiiSpan[]): string {
    const sent: PiiSpan[] = [];
    for (const span of spans) if (span.end <= cut) sent.push(span);
    if (sent.length > 0) {
      countSpans(sent, this.#counts);
      this.#found += sent.length;
    }
    const out = sent.length === 0 ? text.slice(base, cut) : renderSpans(text, base, cut, sent);
    this.#context = cut > 0 ? text.slice(cut - 1, cut) : this.#context;
    this.#held = text.slice(cut);
    return out;
  }
}

/**
 * Where a value of `detector`'s type may still be in the making at the end of `text`: the
 * start of the trailing run of its characters (spaces at its start left out), no further back
 * than `maxLength` plus the two characters after a value that decide whether it is one.
 */
function pendingFrom(text: string, detector: PiiDetector): number {
  const limit = Math.max(0, text.length - detector.maxLength - 2);
  let start = text.length;
  while (start > limit && detector.isChar(text.charCodeAt(start - 1))) start--;
  // No value starts with a space: separators already written are not held.
  while (start < text.length && text.charCodeAt(start) === 32) start++;
  return start;
}
