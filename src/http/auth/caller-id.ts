/**
 * The id of a client's end user, `<client>:<user>`, with `%` and `:` in each part
 * percent-encoded (`%25`, `%3A`), so the one unescaped `:` always separates the two: client
 * `gamma` with `X-User-Id: vip` is `gamma:vip`, client `gamma:vip` alone is `gamma%3Avip`,
 * and no choice of client id and header can make another pair's id. A client without a user
 * header is its encoded id alone (no unescaped `:`). Plain ids (the usual case) read as written.
 * This one id is the rate limiter's per-user bucket, the executor's `userId`, the audit
 * records' `user_id` and the cache's `user` scope.
 *
 * @example
 * callerIdOf('gamma', 'vip'); // 'gamma:vip'
 * callerIdOf('gamma:vip');    // 'gamma%3Avip'
 */
export function callerIdOf(clientId: string, endUser?: string): string {
  return endUser === undefined ? encodeIdPart(clientId) : `${encodeIdPart(clientId)}:${encodeIdPart(endUser)}`;
}

/** One part of a composite id: `%` and `:` percent-encoded, everything else as is. */
export function encodeIdPart(part: string): string {
  return /[%:]/.test(part) ? part.replace(/%/g, '%25').replace(/:/g, '%3A') : part;
}
