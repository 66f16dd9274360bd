import type { HttpToolMethod } from './read-http-tool-entry.js';

/** What one call sends: the URL (path parameters filled in) and the JSON body, if any. */
export interface HttpToolRequest {
  readonly url: URL;
  readonly body?: string;
}

/**
 * A tool call's arguments as an HTTP request: `{param}` placeholders of the endpoint's path
 * filled from the arguments of that name (URL-encoded, so `../` or `?` in an argument cannot
 * change the path), the other arguments as the JSON body, or as the query string for GET and
 * DELETE (lists repeat the name, objects are sent as JSON text). Throws `TypeError` with a
 * message for the model when a path parameter is missing.
 *
 * @example
 * toHttpRequest('https://api.example.com/orders/{id}', 'GET', { id: 'a/b', expand: true });
 * // url: https://api.example.com/orders/a%2Fb?expand=true
 */
export function toHttpRequest(endpoint: string, method: HttpToolMethod, args: Readonly<Record<string, unknown>>): HttpToolRequest {
  const rest: Record<string, unknown> = { ...args };
  const filled = endpoint.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = rest[name];
    delete rest[name];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TypeError(`argument "${name}" is required: it is part of the URL path`);
    }
    return encodeURIComponent(String(value));
  });
  const url = new URL(filled);
  if (method === 'GET' || method === 'DELETE') {
    for (const [name, value] of Object.entries(rest)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item === undefined || item === null) continue;
        url.searchParams.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
      }
    }
    return { url };
  }
  return { url, body: JSON.stringify(rest) };
}
