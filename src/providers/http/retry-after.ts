/** Response headers as undici and `node:http` hand them over. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * The longest wait an upstream can ask for. A longer (or absurd, e.g. a date years ahead)
 * `Retry-After` is cut to this, so one header cannot park the retry policy for an hour.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * How long the upstream asked us to wait before trying again, in milliseconds, or `undefined`
 * when it did not say (or said something unreadable).
 *
 * Reads, in order: `retry-after-ms` (milliseconds; Anthropic and OpenAI send it), then
 * `retry-after` as delta-seconds or as an HTTP date. The result is capped at
 * `MAX_RETRY_AFTER_MS`; a date in the past gives 0.
 *
 * @example
 * parseRetryAfter({ 'retry-after': '2' }) // 2000
 * parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '2' }) // 250
 */
export function parseRetryAfter(headers: ResponseHeaders, now: number = Date.now()): number | undefined {
  const ms = parseNonNegativeNumber(headerValue(headers, 'retry-after-ms'));
  if (ms !== undefined) return cap(ms);

  const raw = headerValue(headers, 'retry-after');
  if (raw === undefined) return undefined;
  const seconds = parseNonNegativeNumber(raw);
  if (seconds !== undefined) return cap(seconds * 1000);
  // An HTTP date has letters and a comma ("Wed, 21 Oct 2015 07:28:00 GMT"); a bare number
  // that failed above (e.g. "-1") must not be read as a year by Date.parse.
  if (!/[a-z]/i.test(raw)) return undefined;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return cap(Math.max(0, at - now));
}

/** One header's value; a repeated header counts by its first value. */
function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function parseNonNegativeNumber(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

function cap(ms: number): number {
  return Math.min(Math.round(ms), MAX_RETRY_AFTER_MS);
}
