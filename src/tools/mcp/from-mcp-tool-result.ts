import type { ContentPart } from '../../providers/provider.js';
import type { SecretRedactor } from '../../secrets/known-secrets.js';
import type { ToolOutput } from '../server-tool.js';

/** The parts of an MCP `tools/call` result this mapping reads (the SDK's `CallToolResult`, loosely). */
export interface McpCallResult {
  readonly content?: readonly unknown[];
  readonly structuredContent?: unknown;
  readonly isError?: boolean;
  readonly toolResult?: unknown;
}

/**
 * An MCP tool result as the model gets it: text parts kept, images kept when they fit, other
 * parts (audio, resources, links) summarised in a line, `isError` carried over. The whole is
 * bounded by `maxBytes` (text cut, saying how much was left out) and every known secret is
 * redacted: the server is outside the gateway and may echo what it was given.
 */
export function fromMcpToolResult(result: McpCallResult, maxBytes: number, secrets: SecretRedactor): ToolOutput {
  const parts: ContentPart[] = [];
  let budget = maxBytes;
  let omitted = 0;
  const addText = (text: string): void => {
    const bytes = Buffer.byteLength(text);
    if (bytes <= budget) {
      parts.push({ type: 'text', text });
      budget -= bytes;
      return;
    }
    const kept = cutToBytes(text, budget);
    if (kept !== '') parts.push({ type: 'text', text: kept });
    omitted += bytes - Buffer.byteLength(kept);
    budget = 0;
  };
  const content = Array.isArray(result.content) ? result.content : [];
  for (const part of content) {
    const mapped = fromMcpContentPart(part);
    if (mapped.type === 'text') addText(secrets.redact(mapped.text));
    else if (mapped.source.kind === 'base64' && mapped.source.data.length <= budget) {
      parts.push(mapped);
      budget -= mapped.source.data.length;
    } else addText(`[image (${mapped.source.kind === 'base64' ? mapped.source.mediaType : 'url'}) left out: larger than the result limit]`);
  }
  // A tool that answers only with structured content (or the pre-2025 `toolResult`) is read as its JSON.
  if (content.length === 0) {
    const structured = result.structuredContent ?? result.toolResult;
    if (structured !== undefined) addText(secrets.redact(JSON.stringify(structured) ?? ''));
  }
  if (omitted > 0) parts.push({ type: 'text', text: `\n[result cut: ${omitted} more bytes than the ${maxBytes}-byte limit]` });
  const isError = result.isError === true;
  if (parts.length === 0) return { content: '', ...(isError ? { isError } : {}) };
  const onlyText = parts.every((part) => part.type === 'text');
  return {
    content: onlyText ? parts.map((part) => (part as { text: string }).text).join('\n') : parts,
    ...(isError ? { isError } : {}),
  };
}

/** One MCP content block as one of our parts; what the model cannot read becomes a line saying what it was. */
export function fromMcpContentPart(part: unknown): ContentPart {
  const block = typeof part === 'object' && part !== null ? (part as Record<string, unknown>) : {};
  const type = typeof block['type'] === 'string' ? block['type'] : 'unknown';
  const str = (key: string, of: Record<string, unknown> = block): string | undefined => (typeof of[key] === 'string' ? (of[key] as string) : undefined);
  switch (type) {
    case 'text':
      return { type: 'text', text: str('text') ?? '' };
    case 'image': {
      const data = str('data');
      const mediaType = str('mimeType');
      if (data !== undefined && mediaType !== undefined && /^image\/(png|jpeg|gif|webp)$/.test(mediaType)) return { type: 'image', source: { kind: 'base64', mediaType, data } };
      return { type: 'text', text: `[image${mediaType ? ` (${mediaType})` : ''}]` };
    }
    case 'audio':
      return { type: 'text', text: `[audio${str('mimeType') ? ` (${str('mimeType')})` : ''}, ${Math.floor(((str('data') ?? '').length * 3) / 4)} bytes]` };
    case 'resource': {
      const resource = typeof block['resource'] === 'object' && block['resource'] !== null ? (block['resource'] as Record<string, unknown>) : {};
      const uri = str('uri', resource) ?? '?';
      const text = str('text', resource);
      return { type: 'text', text: text !== undefined ? `[resource ${uri}]\n${text}` : `[resource ${uri}${str('mimeType', resource) ? ` (${str('mimeType', resource)})` : ''}: binary, not shown]` };
    }
    case 'resource_link':
      return { type: 'text', text: `[resource link ${str('uri') ?? '?'}${str('name') ? ` (${str('name')})` : ''}]` };
    default:
      return { type: 'text', text: `[${type} content]` };
  }
}

/** The longest prefix of `text` within `bytes` UTF-8 bytes, never splitting a character. */
function cutToBytes(text: string, bytes: number): string {
  if (bytes <= 0) return '';
  const buffer = Buffer.from(text).subarray(0, bytes);
  const decoded = buffer.toString('utf8');
  // A cut character decodes as U+FFFD at the end.
  return decoded.endsWith('\uFFFD') && !text.startsWith(decoded) ? decoded.slice(0, -1) : decoded;
}
