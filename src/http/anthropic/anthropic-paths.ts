import type { IncomingHttpHeaders } from 'node:http';
import { isOpenAIPath } from '../openai/openai-paths.js';

/**
 * Whether a request is on the Anthropic surface, whose every answer, errors and unknown routes
 * included, is in Anthropic's shape: `/v1/messages` and the paths under it, and any other
 * path of the model surfaces (`/v1/models`, a mistyped route; not the native `/v1/agents`,
 * `/v1/cache`, `/v1/providers`) asked with an `anthropic-version` header, which only
 * Anthropic clients send.
 */
export function isAnthropicRequest(url: string, headers: IncomingHttpHeaders): boolean {
  if (url.startsWith('/v1/messages') && (url.length === 12 || url[12] === '/' || url[12] === '?')) return true;
  return headers['anthropic-version'] !== undefined && isOpenAIPath(url);
}

/** The methods an Anthropic route answers (for `405` and `Allow`); undefined for no such route. */
export function anthropicRouteMethods(url: string): readonly string[] | undefined {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const bare = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (bare === '/v1/messages' || bare === '/v1/messages/count_tokens') return ['POST'];
  return undefined;
}
