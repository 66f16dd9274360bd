import { isIPv6 } from 'node:net';
import { hasDigit, isDigit, type PiiDetector, type PiiSpan } from './pii-detector.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** Four octets, not part of a longer dotted number (`1.2.3.4.5`, a version string). */
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
/** Groups of hex digits and colons (and a trailing IPv4 part), checked with `net.isIPv6`. */
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![\w:]|\.\d)/g;

const isHex = (code: number): boolean => isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);

/**
 * IP addresses: IPv4 in dotted decimal (each octet 0-255), and IPv6 in any form `net.isIPv6`
 * accepts, full or `::`-compressed, with at least three groups or one of four hex digits
 * (`fe80::1`), so that `a::b` in code or `10:30:45` is not one.
 */
export const ipAddressDetector: PiiDetector = {
  type: 'ip_address',
  maxLength: 45,
  isChar: (code) => isHex(code) || code === 46 || code === 58,
  find(text: string, from: number, found: PiiSpan[]): void {
    const spans: PiiSpan[] = [];
    if (hasDigit(text, from)) collect(IPV4, text, from, spans, () => true);
    if (text.indexOf(':', from) !== -1) collect(IPV6, text, from, spans, plausibleIPv6);
    if (spans.length > 1) spans.sort((a, b) => a.start - b.start);
    let last = -1;
    for (const span of spans) {
      if (span.start < last) continue;
      found.push(span);
      last = span.end;
    }
  },
};

function collect(pattern: RegExp, text: string, from: number, spans: PiiSpan[], accept: (value: string) => boolean): void {
  pattern.lastIndex = from;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[0].length > 0 && accept(match[0])) {
      spans.push({ type: 'ip_address', start: match.index, end: match.index + match[0].length });
      pattern.lastIndex = match.index + match[0].length;
    } else {
      pattern.lastIndex = match.index + 1;
    }
  }
}

function plausibleIPv6(value: string): boolean {
  if (!isIPv6(value)) return false;
  const groups = value.split(/[:.]/).filter((group) => group !== '');
  return groups.length >= 3 || groups.some((group) => group.length === 4);
}
