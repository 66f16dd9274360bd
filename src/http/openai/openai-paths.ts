/** The native API's own `/v1/...` prefixes: everything else under `/v1/` is the OpenAI-compatible surface. */
const NATIVE_PREFIXES = ['/v1/agents', '/v1/cache', '/v1/providers'];

/**
 * Whether a request path belongs to the OpenAI-compatible surface, whose every answer, an
 * unknown route's included, is in OpenAI's error shape (the SDKs show a problem+json 404 as
 * "404 (no body)"): `/v1/` paths other than the native API's (`/v1/agents`, `/v1/cache`,
 * `/v1/providers`). So `/v1/embeddings` or a mistyped `/v1/chat/completion` gets an error the
 * SDK can show.
 */
export function isOpenAIPath(url: string): boolean {
  if (!url.startsWith('/v1/')) return false;
  const path = pathOf(url);
  return !NATIVE_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** The methods an OpenAI-compatible route answers (for `405` and `Allow`); undefined for no such route. */
export function openAIRouteMethods(url: string): readonly string[] | undefined {
  const path = pathOf(url);
  if (path === '/v1/chat/completions' || path === '/v1/responses') return ['POST'];
  if (path === '/v1/models' || /^\/v1\/models\/[^/]+$/.test(path)) return ['GET', 'HEAD'];
  return undefined;
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
