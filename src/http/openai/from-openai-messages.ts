import type { ChatMessage, ContentPart, ImagePart, ToolCall } from '../../providers/provider.js';
import { InvalidFieldError, type FieldPath } from '../tool-input/invalid-field-error.js';
import { ToolResultLedger } from '../tool-input/tool-result-ledger.js';

/** A chat request's messages, as the agent executor takes them. */
export interface OpenAIConversation {
  /**
   * The last message's text when it is the user's and plain text: the agent's input. Empty
   * when the conversation ends otherwise (tool results, a user message with images): then
   * `history` is the whole conversation.
   */
  readonly input: string;
  /** The turns before the input (or, with an empty input, all of them), in order. */
  readonly history: ChatMessage[];
  /** The client's own `system` and `developer` messages, joined by blank lines; absent when there are none. */
  readonly instructions?: string;
}

/**
 * Reads OpenAI chat `messages` (already checked to be objects with a string `role`):
 *
 * - `system` and `developer` messages never replace the agent's system prompt: their text is
 *   returned as `instructions`, which the model sees after the agent's own prompt, verbatim;
 * - `user` content is a string or parts: text, and images (`image_url`, a URL or a `data:`
 *   URL), passed through to the model; audio and files are refused rather than dropped;
 * - `assistant` messages carry text (or `refusal` parts) and their `tool_calls`;
 * - `tool` messages answer those calls by `tool_call_id`: each must answer a call of the
 *   assistant message before it, and every call must be answered before the conversation
 *   goes on (as OpenAI itself requires);
 * - the conversation ends with the user's message or with tool results. A last user message
 *   of plain text is the input (so a plain chat keeps the cache keys it always had).
 *
 * Throws an `InvalidFieldError` at the offending field (`messages[2].tool_call_id`).
 */
export function fromOpenAIMessages(messages: readonly Record<string, unknown>[]): OpenAIConversation {
  const turns: ChatMessage[] = [];
  const instructions: string[] = [];
  const ledger = new ToolResultLedger();
  messages.forEach((message, index) => {
    const at: FieldPath = ['messages', index];
    const role = message['role'];
    switch (role) {
      case 'system':
      case 'developer':
        instructions.push(textOf(message['content'], at, ['text']));
        return;
      case 'user':
        ledger.user();
        turns.push({ role: 'user', content: userContent(message['content'], at) });
        return;
      case 'assistant': {
        if (message['function_call'] !== undefined && message['function_call'] !== null) {
          throw new InvalidFieldError([...at, 'function_call'], 'is the deprecated functions API: send tool_calls instead');
        }
        const toolCalls = assistantToolCalls(message['tool_calls'], at);
        ledger.assistant(toolCalls, at);
        const content = message['content'];
        if ((content === null || content === undefined) && !toolCalls) throw new InvalidFieldError([...at, 'content'], 'is required: an assistant message needs text content or tool calls');
        const text = content === null || content === undefined ? '' : textOf(content, at, ['text', 'refusal']);
        turns.push(toolCalls ? { role: 'assistant', content: text, toolCalls } : { role: 'assistant', content: text });
        return;
      }
      case 'tool': {
        const id = message['tool_call_id'];
        if (typeof id !== 'string' || id === '') throw new InvalidFieldError([...at, 'tool_call_id'], 'is required: a tool message names the tool call it answers');
        ledger.result(id, [...at, 'tool_call_id']);
        turns.push({ role: 'tool', toolCallId: id, content: toolContent(message['content'], at) });
        return;
      }
      case 'function':
        throw new InvalidFieldError([...at, 'role'], 'is "function", the deprecated functions API: send tool messages instead');
      default:
        throw new InvalidFieldError([...at, 'role'], `must be one of "system", "developer", "user", "assistant", "tool"; got ${JSON.stringify(role)}`);
    }
  });
  const last = turns.at(-1);
  if (!last || last.role === 'assistant') throw new InvalidFieldError(['messages'], "must end with the user's message or with tool results: it is what the agent answers");
  ledger.end();
  let input = '';
  if (last.role === 'user' && typeof last.content === 'string' && (last.content !== '' || turns.length === 1)) {
    turns.pop();
    input = last.content;
  }
  return instructions.length > 0 ? { input, history: turns, instructions: instructions.join('\n\n') } : { input, history: turns };
}

/** A user message's content: a string; text parts alone joined into one (as they always were); with images, parts. */
function userContent(content: unknown, at: FieldPath): string | ContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new InvalidFieldError([...at, 'content'], 'must be a string or an array of content parts');
  const parts: ContentPart[] = [];
  let images = false;
  content.forEach((part: unknown, index) => {
    const where = [...at, 'content', index];
    const type = partType(part, where);
    if (type === 'text') parts.push({ type: 'text', text: partText(part as Record<string, unknown>, 'text', where) });
    else if (type === 'image_url') {
      images = true;
      parts.push(imagePart((part as Record<string, unknown>)['image_url'], [...where, 'image_url']));
    } else throw new InvalidFieldError([...where, 'type'], `is ${JSON.stringify(type)}: this gateway passes text and images to a model, not audio or files`);
  });
  return images ? parts : joinText(parts);
}

function imagePart(value: unknown, at: FieldPath): ImagePart {
  if (typeof value !== 'object' || value === null) throw new InvalidFieldError(at, 'must be an object with the image\'s url');
  const { url, detail } = value as Record<string, unknown>;
  if (typeof url !== 'string' || url === '') throw new InvalidFieldError([...at, 'url'], 'is required: an https URL or a data: URL');
  if (detail !== undefined && detail !== null && detail !== 'auto' && detail !== 'low' && detail !== 'high') throw new InvalidFieldError([...at, 'detail'], 'must be "auto", "low" or "high"');
  const withDetail = typeof detail === 'string' ? { detail: detail as NonNullable<ImagePart['detail']> } : {};
  return { type: 'image', source: imageSource(url, [...at, 'url']), ...withDetail };
}

/**
 * Where an image is, from the URL a client gave (`at`: its field): a `data:<type>;base64,` URL
 * becomes the bytes, an http(s) URL stays a URL (the gateway never fetches it); anything
 * else is refused.
 */
export function imageSource(url: string, at: FieldPath): ImagePart['source'] {
  const data = /^data:([a-z]+\/[a-z0-9.+-]+);base64,/i.exec(url);
  if (data) return { kind: 'base64', mediaType: data[1]!.toLowerCase(), data: url.slice(data[0].length) };
  if (!/^https?:\/\//i.test(url)) throw new InvalidFieldError(at, 'must be an http(s) URL or a base64 data: URL');
  return { kind: 'url', url };
}

function assistantToolCalls(value: unknown, at: FieldPath): ToolCall[] | undefined {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return undefined;
  if (!Array.isArray(value)) throw new InvalidFieldError([...at, 'tool_calls'], 'must be an array of tool calls');
  return value.map((call: unknown, index) => {
    const where = [...at, 'tool_calls', index];
    if (typeof call !== 'object' || call === null) throw new InvalidFieldError(where, 'must be a tool call object');
    const { id, type, function: fn } = call as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') throw new InvalidFieldError([...where, 'id'], 'is required: the id the tool message answers');
    if (type !== 'function') throw new InvalidFieldError([...where, 'type'], `must be "function"; got ${JSON.stringify(type)}`);
    if (typeof fn !== 'object' || fn === null) throw new InvalidFieldError([...where, 'function'], 'is required: the name and arguments of the call');
    const { name, arguments: args } = fn as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') throw new InvalidFieldError([...where, 'function', 'name'], 'is required');
    if (typeof args !== 'string') throw new InvalidFieldError([...where, 'function', 'arguments'], 'must be a string of JSON text');
    return { id, name, arguments: args };
  });
}

function toolContent(content: unknown, at: FieldPath): string {
  return textOf(content, at, ['text']);
}

/** The text of a `content`: a string, or the text of an array of parts of the allowed types, joined by line breaks. */
function textOf(content: unknown, at: FieldPath, allowed: readonly string[]): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new InvalidFieldError([...at, 'content'], 'must be a string or an array of content parts');
  let text = '';
  content.forEach((part: unknown, index) => {
    const where = [...at, 'content', index];
    const type = partType(part, where);
    if (!allowed.includes(type)) throw new InvalidFieldError([...where, 'type'], `is ${JSON.stringify(type)}; this message takes ${allowed.map((a) => JSON.stringify(a)).join(' or ')} parts only`);
    const piece = partText(part as Record<string, unknown>, type === 'refusal' ? 'refusal' : 'text', where);
    text = index === 0 ? piece : `${text}\n${piece}`;
  });
  return text;
}

function partType(part: unknown, where: FieldPath): string {
  if (typeof part !== 'object' || part === null) throw new InvalidFieldError(where, 'must be a content part object');
  const { type } = part as Record<string, unknown>;
  if (typeof type !== 'string') throw new InvalidFieldError([...where, 'type'], 'is required');
  return type;
}

function partText(part: Record<string, unknown>, key: 'text' | 'refusal', where: FieldPath): string {
  const text = part[key];
  if (typeof text !== 'string') throw new InvalidFieldError([...where, key], 'is required: the part has no text');
  return text;
}

function joinText(parts: readonly ContentPart[]): string {
  return parts.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}
