import { isDigit, patternDetector } from './pii-detector.js';

/**
 * US Social Security numbers written `123-45-6789` (or with spaces), leaving out the numbers
 * the SSA never issues: area 000, 666 or 900-999, group 00, serial 0000. Nine bare digits are
 * not taken for one (too many other numbers look like that).
 */
export const ssnDetector = patternDetector({
  type: 'ssn',
  maxLength: 11,
  isChar: (code) => isDigit(code) || code === 45 || code === 32,
  pattern: /(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w]|-\d)/g,
  hint: (text, from) => text.indexOf('-', from) !== -1 || text.indexOf(' ', from) !== -1,
});
