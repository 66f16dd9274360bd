import { isRecord } from './mock-upstream-server.js';

// How the mock upstreams derive their default answer from a request, the same way for both
// wire formats, so tests can predict text and token counts.

/** Text of a message `content`: a string, or an array of `{ type: 'text', text }` blocks. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block: unknown) => (isRecord(block) && typeof block.text === 'string' ? block.text : '')).join('');
}

/** The request's `messages`, or none. */
export function requestMessages(body: unknown): Record<string, unknown>[] {
  return isRecord(body) && Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
}

/** The default answer: `echo: <last user message>`. */
export function echoOf(body: unknown): string {
  const lastUser = requestMessages(body).findLast((message) => message.role === 'user');
  return `echo: ${contentText(lastUser?.content)}`;
}

/** Whitespace-separated words, the mock's token count. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word !== '').length;
}

/** The answer split as it streams: one word (with its trailing whitespace) per delta. */
export function splitDeltas(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? [];
}

/** The requested model, or `mock-model`. */
export function requestedModel(body: unknown): string {
  return isRecord(body) && typeof body.model === 'string' ? body.model : 'mock-model';
}

/** A tool call's arguments as JSON text (default `{}`). */
export function argumentsJson(value: string | Readonly<Record<string, unknown>> | undefined): string {
  if (value === undefined) return '{}';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Arguments as a stream sends them: in up to three pieces that join to the whole. */
export function splitArguments(json: string): string[] {
  if (json.length < 3) return json === '' ? [] : [json];
  const size = Math.ceil(json.length / 3);
  const pieces: string[] = [];
  for (let at = 0; at < json.length; at += size) pieces.push(json.slice(at, at + size));
  return pieces;
}

/** `{ name, parameters }` of a tool the request offers, found by name (or the first with `undefined`). */
export function offeredTool(tools: unknown, name: string | undefined, read: (tool: Record<string, unknown>) => { name: unknown; schema: unknown }): { name: string; schema: Record<string, unknown> } | undefined {
  if (!Array.isArray(tools)) return undefined;
  for (const tool of tools) {
    if (!isRecord(tool)) continue;
    const entry = read(tool);
    if (typeof entry.name !== 'string' || (name !== undefined && entry.name !== name)) continue;
    return { name: entry.name, schema: isRecord(entry.schema) ? entry.schema : {} };
  }
  return undefined;
}
