import type { ChatMessage, ContentPart, ImagePart, ToolCall } from '../../providers/provider.js';
import { imageSource, type OpenAIConversation } from '../openai/from-openai-messages.js';
import { InvalidFieldError, type FieldPath } from '../tool-input/invalid-field-error.js';
import { ToolResultLedger } from '../tool-input/tool-result-ledger.js';

/** Input item types of OpenAI's own tools and state, refused with the reason. */
const REFUSED_ITEMS: Readonly<Record<string, string>> = {
  item_reference:
    'refers to an item of a stored response, and this gateway stores none: send the item itself (the Vercel AI SDK does with providerOptions: { openai: { store: false } })',
  reasoning: 'is a reasoning item, which only OpenAI\'s own reasoning models read, and this gateway never writes one: leave it out',
  compaction: 'is a compaction item of OpenAI\'s server-side context management, which this gateway does not do',
};

/** An assistant turn being read: its text, then the `function_call` items that follow it. */
interface AssistantTurn {
  readonly content: string;
  readonly calls: { readonly call: ToolCall; readonly path: FieldPath }[];
}

/**
 * Reads a Responses `input`: a string (the user's message), or items, oldest first:
 *
 * - messages (`{role, content}`, `type: "message"` or none): `user` content is a string or
 *   `input_text` and `input_image` parts (an http(s) or `data:` URL, passed through; a
 *   `file_id`, files and audio are refused rather than dropped); `assistant` content is a string
 *   or `output_text` / `refusal` / `input_text` parts; `system` and `developer` messages never
 *   replace the agent's prompt: their text joins `instructions` (after the request's own
 *   `instructions`), which the model sees after the agent's prompt, verbatim;
 * - `function_call` items (`call_id`, `name`, `arguments`) join the assistant turn before them
 *   (a message, or other calls), so parallel calls are one turn, as the wire formats upstream
 *   want them;
 * - `function_call_output` items answer them by `call_id` (a string, or text and image parts):
 *   each answers a call made before it, every call is answered before the conversation goes on;
 * - the conversation ends with the user's message or with tool results; a last user message of
 *   plain text is the input (as on chat completions, so both surfaces share cache entries).
 *
 * Items of stored responses (`item_reference`), OpenAI's reasoning items and its built-in
 * tools' items are refused naming the item. Throws an `InvalidFieldError` at the offending
 * field (`input[3].call_id`).
 */
export function fromResponsesInput(input: string | readonly unknown[], instructions?: string): OpenAIConversation {
  const system: string[] = instructions !== undefined && instructions !== '' ? [instructions] : [];
  if (typeof input === 'string') return conversation(input, [], system);
  const turns: ChatMessage[] = [];
  const ledger = new ToolResultLedger();
  let assistant: AssistantTurn | undefined;
  const closeAssistant = (): void => {
    if (!assistant) return;
    ledger.calls(assistant.calls);
    const toolCalls = assistant.calls.map((entry) => entry.call);
    turns.push(toolCalls.length > 0 ? { role: 'assistant', content: assistant.content, toolCalls } : { role: 'assistant', content: assistant.content });
    assistant = undefined;
  };
  input.forEach((item, index) => {
    const at: FieldPath = ['input', index];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new InvalidFieldError(at, 'must be an input item object: a message, a function_call or a function_call_output');
    const fields = item as Record<string, unknown>;
    const type = fields['type'] ?? (fields['role'] !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message': {
        const role = fields['role'];
        if (role === 'system' || role === 'developer') {
          system.push(textOf(fields['content'], at, ['input_text']));
          return;
        }
        closeAssistant();
        if (role === 'user') {
          ledger.user();
          turns.push({ role: 'user', content: userContent(fields['content'], at) });
        } else if (role === 'assistant') {
          assistant = { content: textOf(fields['content'], at, ['output_text', 'refusal', 'input_text']), calls: [] };
        } else {
          throw new InvalidFieldError([...at, 'role'], `must be one of "user", "assistant", "system", "developer"; got ${JSON.stringify(role)}`);
        }
        return;
      }
      case 'function_call': {
        // Calls after tool results are the next assistant turn.
        if (!assistant) assistant = { content: '', calls: [] };
        assistant.calls.push({ call: functionCall(fields, at), path: [...at, 'call_id'] });
        return;
      }
      case 'function_call_output': {
        closeAssistant();
        const callId = fields['call_id'];
        if (typeof callId !== 'string' || callId === '') throw new InvalidFieldError([...at, 'call_id'], 'is required: a function_call_output names the call it answers');
        ledger.result(callId, [...at, 'call_id']);
        turns.push({ role: 'tool', toolCallId: callId, content: toolOutput(fields['output'], [...at, 'output']) });
        return;
      }
      case undefined:
        throw new InvalidFieldError([...at, 'type'], 'is required: "message", "function_call" or "function_call_output"');
      default: {
        const refused = typeof type === 'string' ? REFUSED_ITEMS[type] : undefined;
        throw new InvalidFieldError(
          [...at, 'type'],
          refused ?? `is ${JSON.stringify(type)}: this gateway takes messages, function_call and function_call_output items (OpenAI's built-in tools are not run here)`,
        );
      }
    }
  });
  closeAssistant();
  const last = turns.at(-1);
  if (!last || last.role === 'assistant') throw new InvalidFieldError(['input'], "must end with the user's message or with function_call_output items: it is what the agent answers");
  ledger.end();
  if (last.role === 'user' && typeof last.content === 'string' && (last.content !== '' || turns.length === 1)) {
    turns.pop();
    return conversation(last.content, turns, system);
  }
  return conversation('', turns, system);
}

function conversation(input: string, history: ChatMessage[], system: readonly string[]): OpenAIConversation {
  return system.length > 0 ? { input, history, instructions: system.join('\n\n') } : { input, history };
}

function functionCall(fields: Record<string, unknown>, at: FieldPath): ToolCall {
  const { call_id: id, name, arguments: args } = fields;
  if (typeof id !== 'string' || id === '') throw new InvalidFieldError([...at, 'call_id'], 'is required: the id the function_call_output answers');
  if (typeof name !== 'string' || name === '') throw new InvalidFieldError([...at, 'name'], 'is required');
  if (typeof args !== 'string') throw new InvalidFieldError([...at, 'arguments'], 'must be a string of JSON text');
  return { id, name, arguments: args };
}

/** A user message's content: a string; text parts alone joined into one; with images, parts. */
function userContent(content: unknown, at: FieldPath): string | ContentPart[] {
  if (typeof content === 'string') return content;
  const parts = inputParts(content, [...at, 'content'], 'content');
  return parts.some((part) => part.type === 'image') ? parts : joinText(parts);
}

/** A function call's output: a string, or text and image parts. */
function toolOutput(output: unknown, at: FieldPath): string | ContentPart[] {
  if (typeof output === 'string') return output;
  const parts = inputParts(output, at, 'output');
  return parts.some((part) => part.type === 'image') ? parts : joinText(parts);
}

/** `input_text` and `input_image` parts (`at`: the array's field). */
function inputParts(value: unknown, at: FieldPath, what: string): ContentPart[] {
  if (!Array.isArray(value)) throw new InvalidFieldError(at, `must be a string or an array of ${what} parts`);
  return value.map((part: unknown, index): ContentPart => {
    const where = [...at, index];
    const type = partType(part, where);
    const fields = part as Record<string, unknown>;
    if (type === 'input_text') return { type: 'text', text: partText(fields, 'text', where) };
    if (type === 'input_image') return inputImage(fields, where);
    throw new InvalidFieldError([...where, 'type'], `is ${JSON.stringify(type)}: this gateway passes text and images to a model, not files or audio`);
  });
}

function inputImage(fields: Record<string, unknown>, at: FieldPath): ImagePart {
  const { image_url: url, file_id: fileId, detail } = fields;
  if (fileId !== undefined && fileId !== null) throw new InvalidFieldError([...at, 'file_id'], "names a file of OpenAI's Files API, which this gateway cannot read: send image_url (an https URL or a data: URL)");
  if (typeof url !== 'string' || url === '') throw new InvalidFieldError([...at, 'image_url'], 'is required: an https URL or a data: URL');
  if (detail !== undefined && detail !== null && detail !== 'auto' && detail !== 'low' && detail !== 'high' && detail !== 'original') {
    throw new InvalidFieldError([...at, 'detail'], 'must be "auto", "low", "high" or "original"');
  }
  const source = imageSource(url, [...at, 'image_url']);
  // "original" (full resolution) is the Responses API's; chat completions' closest is "high".
  if (typeof detail !== 'string') return { type: 'image', source };
  return { type: 'image', source, detail: detail === 'original' ? 'high' : detail };
}

/** The text of a `content`: a string, or its parts of the allowed types, joined by line breaks. */
function textOf(content: unknown, at: FieldPath, allowed: readonly string[]): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new InvalidFieldError([...at, 'content'], 'must be a string or an array of content parts');
  return content
    .map((part: unknown, index) => {
      const where = [...at, 'content', index];
      const type = partType(part, where);
      if (!allowed.includes(type)) throw new InvalidFieldError([...where, 'type'], `is ${JSON.stringify(type)}; this message takes ${allowed.map((a) => JSON.stringify(a)).join(' or ')} parts only`);
      return partText(part as Record<string, unknown>, type === 'refusal' ? 'refusal' : 'text', where);
    })
    .join('\n');
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
