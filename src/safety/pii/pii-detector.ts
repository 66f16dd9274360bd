import type { PiiType } from './pii-type.js';

/** A value found in a text: `[start, end)`, and its type. */
export interface PiiSpan {
  readonly type: PiiType;
  readonly start: number;
  readonly end: number;
}

/**
 * Finds one type of personal data. A detector's contract, which lets a stream be redacted
 * without holding more than `maxLength` characters (see `PiiStreamRedactor`):
 * - a value is at most `maxLength` characters, all of them `isChar`;
 * - whether one is found depends on at most one character before it and on the characters
 *   after it up to and including the first that is not `isChar` (two at most).
 */
export interface PiiDetector {
  readonly type: PiiType;
  readonly maxLength: number;
  /** True for a UTF-16 code that may be part of a value. */
  isChar(code: number): boolean;
  /**
   * Adds every value that starts at or after `from` to `found`, in order. Characters before
   * `from` are context only (the one a value's start is checked against).
   */
  find(text: string, from: number, found: PiiSpan[]): void;
}

/**
 * A detector from a candidate pattern (global, with its own look-arounds) and a check of each
 * candidate: `accept` returns the value's end (the candidate may be cut short, a card's
 * trailing group) or -1. After a refused candidate the search goes on from its next
 * character, so overlapping candidates are all tried, and a text scanned in pieces finds
 * what it finds whole.
 */
export function patternDetector(parts: {
  readonly type: PiiType;
  readonly maxLength: number;
  readonly isChar: (code: number) => boolean;
  readonly pattern: RegExp;
  /** A cheap test that the text may hold a value at all (`@` for e-mail); absent: always. */
  readonly hint?: (text: string, from: number) => boolean;
  readonly accept?: (match: RegExpExecArray, text: string) => number;
}): PiiDetector {
  const { type, pattern, accept, hint } = parts;
  if (!pattern.global) throw new Error(`the ${type} pattern must be global`);
  return {
    type,
    maxLength: parts.maxLength,
    isChar: parts.isChar,
    find(text, from, found) {
      if (hint && !hint(text, from)) return;
      pattern.lastIndex = from;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        const end = accept ? accept(match, text) : match.index + match[0].length;
        if (end > match.index) {
          found.push({ type, start: match.index, end });
          pattern.lastIndex = end;
        } else {
          pattern.lastIndex = match.index + 1;
        }
      }
    },
  };
}

/** Character-class tests by code, for `isChar` (no allocation per character). */
export const isDigit = (code: number): boolean => code >= 48 && code <= 57;
export const isAsciiLetter = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
export const isAsciiAlnum = (code: number): boolean => isDigit(code) || isAsciiLetter(code);

/** True when `text` holds a decimal digit at or after `from` (the hint of the number detectors). */
export function hasDigit(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) if (isDigit(text.charCodeAt(i))) return true;
  return false;
}
