import { luhnValid } from './check-digits.js';
import { hasDigit, isDigit, patternDetector } from './pii-detector.js';

/** The first digits of the card networks in use (Visa 4, Mastercard 2 and 5, Amex/Diners/JCB 3, Discover/UnionPay 6). */
const NETWORK = /^[2-6]/;

/**
 * Payment card numbers: 13 to 19 digits, bare or in groups of four separated by one space or
 * `-` (`4111 1111 1111 1111`; Amex's 4-6-5), a network's first digit, and a valid Luhn check
 * digit, so a random 16-digit number is taken for a card one time in ten at most and a
 * mistyped card not at all.
 */
export const creditCardDetector = patternDetector({
  type: 'credit_card',
  maxLength: 23,
  isChar: (code) => isDigit(code) || code === 32 || code === 45,
  pattern: /(?<![\w-])(?:\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5}|\d{13,19})(?![\w]|-\d)/g,
  hint: hasDigit,
  accept: (match) => {
    const digits = match[0].replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && NETWORK.test(digits) && luhnValid(digits) ? match.index + match[0].length : -1;
  },
});
