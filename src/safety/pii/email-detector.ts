import { isAsciiAlnum, type PiiDetector, type PiiSpan } from './pii-detector.js';

const MAX_LOCAL = 64;
/** RFC 5321's limit on a whole address. */
const MAX_ADDRESS = 254;

/** `A-Z a-z 0-9 . _ % + -`: what the local part (before `@`) is made of, as addresses are written in practice. */
function isLocalChar(code: number): boolean {
  return isAsciiAlnum(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45;
}

function isDomainChar(code: number): boolean {
  return isAsciiAlnum(code) || code === 45 || code === 46;
}

/**
 * E-mail addresses: `local@domain.tld`, the local part of the characters above (1 to 64),
 * the domain of at least two dot-separated labels (letters, digits, inner hyphens), the last
 * all letters (2 or more). Found from each `@` outwards rather than by a pattern tried at every
 * position: a text without `@` costs one `indexOf`.
 */
export const emailDetector: PiiDetector = {
  type: 'email',
  maxLength: MAX_ADDRESS,
  isChar: (code) => isLocalChar(code) || code === 64,
  find(text: string, from: number, found: PiiSpan[]): void {
    let at = text.indexOf('@', from);
    while (at !== -1) {
      let start = at;
      while (start > 0 && at - start < MAX_LOCAL + 1 && isLocalChar(text.charCodeAt(start - 1))) start--;
      // A local part running into the context (or past its limit) is longer than we can see: no address.
      const bounded = !(start > 0 && isLocalChar(text.charCodeAt(start - 1))) && !(start === 0 && from > 0);
      // Dots may not open the local part; one that does is punctuation before the address.
      while (start < at && text.charCodeAt(start) === 46) start++;
      const end = bounded && start < at && start >= from ? domainEnd(text, at + 1) : -1;
      if (end !== -1 && end - start <= MAX_ADDRESS) {
        found.push({ type: 'email', start, end });
        at = text.indexOf('@', end);
      } else {
        at = text.indexOf('@', at + 1);
      }
    }
  },
};

/** The end of a valid domain starting at `from`, or -1: labels of letters, digits and inner hyphens, a letters-only last label; a trailing dot is punctuation. */
function domainEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && isDomainChar(text.charCodeAt(end))) end++;
  // The run ends at a character that is no part of a domain; trailing dots and hyphens are not the domain's.
  while (end > from && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
  const domain = text.slice(from, end);
  const labels = domain.split('.');
  if (labels.length < 2) return -1;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return -1;
  }
  return /^[A-Za-z]{2,63}$/.test(labels[labels.length - 1]!) ? end : -1;
}
