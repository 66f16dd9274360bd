import type { PiiSpan } from './pii-detector.js';
import { redactionMarker, type PiiCounts } from './pii-type.js';

/** Adds one per span to `counts`. */
export function countSpans(spans: readonly PiiSpan[], counts: PiiCounts): PiiCounts {
  for (const span of spans) counts[span.type] = (counts[span.type] ?? 0) + 1;
  return counts;
}

/** `text[from, to)` with each span inside it replaced by its marker (`[REDACTED:EMAIL]`). */
export function renderSpans(text: string, from: number, to: number, spans: readonly PiiSpan[]): string {
  let out = '';
  let at = from;
  for (const span of spans) {
    if (span.start >= to) break;
    if (span.start < at) continue;
    out += text.slice(at, span.start) + redactionMarker(span.type);
    at = span.end;
  }
  return at < to ? out + text.slice(at, to) : out;
}
