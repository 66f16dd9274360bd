/** Key-shaped strings: vendor prefixes, bearer credentials, long opaque tokens. */
const KEY_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{6,}/g,
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi,
  /\b(?:api[_-]?key|x-api-key|token|password|secret)\s*[:=]\s*\S+/gi,
  /\b[A-Za-z0-9_-]{40,}\b/g,
];

const MAX_LENGTH = 240;

/**
 * Makes an error message fit for the status page: one line, at most 240 characters, with
 * anything shaped like a key replaced by `[redacted]`. Provider errors are already safe by
 * contract (`ProviderError.message`); this is the second line of defence for a page an
 * operator may screen-share during an incident.
 */
export function scrubText(text: string): string {
  let line = text.split(/\r?\n/, 1)[0] ?? '';
  for (const pattern of KEY_PATTERNS) line = line.replace(pattern, '[redacted]');
  return line.length > MAX_LENGTH ? `${line.slice(0, MAX_LENGTH - 1)}…` : line;
}
