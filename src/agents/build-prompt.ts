import type { ChatMessage, TextPart } from '../providers/provider.js';
import type { ExecutionContext } from '../executor/agent-response.js';

export interface BuiltPrompt {
  /** Text, or text blocks when the client's instructions came as blocks (their cache marks kept). */
  readonly system: string | TextPart[];
  readonly messages: ChatMessage[];
}

/**
 * The prompt the model sees:
 * - system: the agent's system prompt, then the client's own instructions (when it sent any:
 *   OpenAI `system`/`developer` messages, Anthropic's `system`) verbatim after a blank line,
 *   then (when context is given) a blank line, `Context:`, and one `key: value` line per
 *   entry, keys sorted so equal context gives an equal prompt. Keys and string values are
 *   written as they are unless they hold a line break or another control character (`\n`,
 *   `\r`, U+2028, ...); those, and every other value, are written as JSON with every such
 *   character escaped, so each entry stays on its one line: neither a key nor a value can
 *   start a line of its own (`SYSTEM: ...`) in the prompt. Without a prompt of its own (a
 *   pass-through model) the client's instructions are the whole system prompt. Instructions
 *   given as blocks stay blocks: the agent's prompt is the first block, the context the last.
 * - messages: the earlier turns (if any), then the input as the last user message; an empty
 *   input after a non-empty history adds nothing (the history is the whole conversation: it
 *   ends with the user's message, with tool results, or with an assistant's prefill).
 */
export function buildPrompt(
  systemPrompt: string,
  input: string,
  context: ExecutionContext,
  history: readonly ChatMessage[] = [],
  instructions?: string | readonly TextPart[],
): BuiltPrompt {
  const messages = input === '' && history.length > 0 ? [...history] : [...history, { role: 'user' as const, content: input }];
  const keys = Object.keys(context).sort();
  const contextBlock = keys.length > 0 ? `Context:\n${keys.map((key) => `${formatContextText(key)}: ${formatContextValue(context[key])}`).join('\n')}` : '';
  if (typeof instructions === 'object') {
    const blocks: TextPart[] = systemPrompt === '' ? [] : [{ type: 'text', text: systemPrompt }];
    blocks.push(...instructions);
    if (contextBlock !== '') blocks.push({ type: 'text', text: contextBlock });
    return { system: blocks, messages };
  }
  return { system: joinParagraphs(joinParagraphs(systemPrompt, instructions ?? ''), contextBlock), messages };
}

function joinParagraphs(first: string, second: string): string {
  if (second === '') return first;
  return first === '' ? second : `${first}\n\n${second}`;
}

/**
 * Characters that end a line, or that a model or a terminal may read as one: C0 controls but tab,
 * C1 controls (`\n`, `\r`, `\v`, `\f`, NEL), the Unicode line and paragraph separators, and the bidi
 * overrides that make text display out of order.
 */
const LINE_BREAKING = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const LINE_BREAKING_ALL = new RegExp(LINE_BREAKING.source, 'g');

/** A key or a string value as it is, or as a JSON string when it could break the line. */
function formatContextText(text: string): string {
  return LINE_BREAKING.test(text) ? escapeLineBreaks(JSON.stringify(text)) : text;
}

function formatContextValue(value: unknown): string {
  if (typeof value === 'string') return formatContextText(value);
  return escapeLineBreaks(JSON.stringify(value) ?? 'null');
}

/** JSON leaves U+2028, U+2029, DEL, C1 controls and bidi marks raw inside strings: escape them too. */
function escapeLineBreaks(json: string): string {
  return json.replace(LINE_BREAKING_ALL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A system prompt `buildPrompt` made from the base prompt `from`, made from `to` instead: what
 * follows the base (the client's instructions, the context block) is kept. A system that does
 * not start with `from` is returned as it is.
 */
export function withBasePrompt(system: string | readonly TextPart[], from: string, to: string): string | readonly TextPart[] {
  if (typeof system === 'string') return system.startsWith(from) ? `${to}${system.slice(from.length)}` : system;
  const [head, ...rest] = system;
  if (!head || !head.text.startsWith(from)) return system;
  return [{ ...head, text: `${to}${head.text.slice(from.length)}` }, ...rest];
}
