import type { CacheControl, ContentPart, ImagePart, TextPart } from '../../providers/provider.js';
import { InvalidFieldError, type FieldPath } from '../tool-input/invalid-field-error.js';

// The blocks of Anthropic Messages requests (text, image, cache marks, system blocks) as the
// common content parts. Keys a block has beyond the ones read here are ignored, so a client
// newer than the gateway is not refused for a field that changes nothing; a block type the
// gateway cannot pass on is refused naming it.

/** Block types of Anthropic's API that no provider of the gateway's takes, with why (a 400 naming the block). */
const UNSUPPORTED_BLOCKS: Readonly<Record<string, string>> = {
  document: 'documents (PDFs, text files) are not passed on by this gateway; send their text as a text block',
  search_result: 'search results are not passed on by this gateway; send them as text',
  container_upload: 'files for the code execution tool are not passed on by this gateway',
  server_tool_use: 'server tools (web search, code execution) do not run behind this gateway',
  web_search_tool_result: 'server tools (web search, code execution) do not run behind this gateway',
  web_fetch_tool_result: 'server tools (web search, code execution) do not run behind this gateway',
  code_execution_tool_result: 'server tools (web search, code execution) do not run behind this gateway',
  mcp_tool_use: 'MCP servers run by the API (mcp_servers) are not supported by this gateway',
  mcp_tool_result: 'MCP servers run by the API (mcp_servers) are not supported by this gateway',
};

/** A block, checked to be an object with a string `type`. */
export function blockOf(value: unknown, at: FieldPath): Record<string, unknown> & { readonly type: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidFieldError(at, 'must be a content block object');
  const type = (value as Record<string, unknown>)['type'];
  if (typeof type !== 'string') throw new InvalidFieldError([...at, 'type'], 'is required: the block type ("text", "image", "tool_use", "tool_result")');
  return value as Record<string, unknown> & { readonly type: string };
}

/** Refuses a block type the gateway does not pass on, with the reason. */
export function unsupportedBlock(type: string, at: FieldPath): never {
  const why = UNSUPPORTED_BLOCKS[type];
  throw new InvalidFieldError([...at, 'type'], why ? `is "${type}": ${why}` : `is ${JSON.stringify(type)}, which is not a content block type this gateway knows`);
}

/** `cache_control`: `{"type": "ephemeral", "ttl"?: "5m" | "1h"}`; absent or null: none. */
export function fromAnthropicCacheControl(value: unknown, at: FieldPath): CacheControl | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidFieldError(at, 'must be {"type": "ephemeral"}');
  const { type, ttl } = value as Record<string, unknown>;
  if (type !== 'ephemeral') throw new InvalidFieldError([...at, 'type'], `must be "ephemeral"; got ${JSON.stringify(type) ?? 'nothing'}`);
  if (ttl === undefined || ttl === null) return { type };
  if (ttl !== '5m' && ttl !== '1h') throw new InvalidFieldError([...at, 'ttl'], `must be "5m" or "1h"; got ${JSON.stringify(ttl)}`);
  return { type, ttl };
}

/** A `text` block, with its cache mark. */
export function fromAnthropicText(block: Record<string, unknown>, at: FieldPath): TextPart {
  const text = block['text'];
  if (typeof text !== 'string') throw new InvalidFieldError([...at, 'text'], 'is required: a string');
  const cacheControl = fromAnthropicCacheControl(block['cache_control'], [...at, 'cache_control']);
  return cacheControl === undefined ? { type: 'text', text } : { type: 'text', text, cacheControl };
}

/** An `image` block: a `base64` source (`media_type`, `data`) or a `url` source, passed on as given (never fetched). */
export function fromAnthropicImage(block: Record<string, unknown>, at: FieldPath): ImagePart {
  const source = block['source'];
  const where = [...at, 'source'];
  if (typeof source !== 'object' || source === null || Array.isArray(source)) throw new InvalidFieldError(where, 'is required: {"type": "base64", "media_type", "data"} or {"type": "url", "url"}');
  const { type, media_type: mediaType, data, url } = source as Record<string, unknown>;
  const cacheControl = fromAnthropicCacheControl(block['cache_control'], [...at, 'cache_control']);
  const mark = cacheControl === undefined ? {} : { cacheControl };
  if (type === 'base64') {
    if (typeof mediaType !== 'string' || !/^image\/(jpeg|png|gif|webp)$/i.test(mediaType)) throw new InvalidFieldError([...where, 'media_type'], `must be "image/jpeg", "image/png", "image/gif" or "image/webp"; got ${JSON.stringify(mediaType) ?? 'nothing'}`);
    if (typeof data !== 'string' || data === '') throw new InvalidFieldError([...where, 'data'], 'is required: the image as base64');
    return { type: 'image', source: { kind: 'base64', mediaType: mediaType.toLowerCase(), data }, ...mark };
  }
  if (type === 'url') {
    if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) throw new InvalidFieldError([...where, 'url'], 'must be an http(s) URL');
    return { type: 'image', source: { kind: 'url', url }, ...mark };
  }
  if (type === 'file') throw new InvalidFieldError([...where, 'type'], 'is "file": the Files API is not passed on by this gateway; send the image as base64 or a URL');
  throw new InvalidFieldError([...where, 'type'], `must be "base64" or "url"; got ${JSON.stringify(type) ?? 'nothing'}`);
}

/** Text and image blocks (a user turn's, a tool result's). */
export function fromAnthropicPart(value: unknown, at: FieldPath): ContentPart {
  const block = blockOf(value, at);
  if (block.type === 'text') return fromAnthropicText(block, at);
  if (block.type === 'image') return fromAnthropicImage(block, at);
  return unsupportedBlock(block.type, at);
}

/** `system`: a string, or text blocks (kept as blocks, for their cache marks); empty: none. */
export function fromAnthropicSystem(system: unknown): string | TextPart[] | undefined {
  if (system === undefined || system === null || system === '') return undefined;
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) throw new InvalidFieldError(['system'], 'must be a string or an array of text blocks');
  if (system.length === 0) return undefined;
  return system.map((value: unknown, index) => {
    const at = ['system', index];
    const block = blockOf(value, at);
    if (block.type !== 'text') throw new InvalidFieldError([...at, 'type'], `must be "text": system blocks are text; got ${JSON.stringify(block.type)}`);
    return fromAnthropicText(block, at);
  });
}
