import type { CacheMode } from '../executor/agent-response.js';

/**
 * The response-cache mode a request asks for with its `Cache-Control` header, combined with
 * the one its body names (the native API's `"cache"`): `no-store` neither reads nor writes
 * the cache (`bypass`), `no-cache` does not read it but stores the fresh answer (`refresh`,
 * what a "regenerate" button wants). The stricter of header and body wins. Undefined: the
 * default. Other directives (`max-age`, ...) are ignored.
 *
 * @example
 * cacheModeOf('no-cache'); // 'refresh'
 * cacheModeOf('max-age=0, no-store', 'refresh'); // 'bypass'
 */
export function cacheModeOf(header: string | string[] | undefined, body?: CacheMode): CacheMode | undefined {
  if (header === undefined) return body;
  const text = (typeof header === 'string' ? header : header.join(',')).toLowerCase();
  if (/(^|[\s,])no-store\s*(,|$)/.test(text)) return 'bypass';
  if (body !== 'bypass' && /(^|[\s,])no-cache\s*(,|=|$)/.test(text)) return 'refresh';
  return body;
}
