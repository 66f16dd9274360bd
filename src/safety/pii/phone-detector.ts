import { hasDigit, isDigit, patternDetector } from './pii-detector.js';

/**
 * Phone numbers in the two shapes that are hard to mistake for other numbers:
 * - North American, grouped: `(555) 123-4567`, `555-123-4567`, `555.123.4567`, `+1 555 123 4567`
 *   (area code 2-9 first; groups separated by a space, `-` or `.`, or the area code in
 *   parentheses);
 * - international, starting with `+`: `+44 20 7946 0958`, `+4915112345678` (8 to 15 digits, as
 *   E.164 allows, single separators between them).
 * Runs of bare digits (`5551234567`), dates (`2024-01-15`) and times are not phones: an order
 * number or a timestamp would be redacted too.
 */
export const phoneDetector = patternDetector({
  type: 'phone',
  maxLength: 32,
  // Digits, space, ( ) + - .
  isChar: (code) => isDigit(code) || code === 32 || code === 40 || code === 41 || code === 43 || code === 45 || code === 46,
  pattern: /(?<![\w+])(?:(?:\+1[ .-]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}|\+[1-9](?:[ .-]?\d){7,14})(?![\w]|[-.]\d)/g,
  hint: hasDigit,
});
