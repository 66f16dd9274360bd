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
 *   entry, keys sorted so equal context gives an equal prompt. Strings are written as they
 *   are unless they span lines; every other value (and a multi-line string) as JSON, so each
 *   entry stays on one line and cannot forge another. Without a prompt of its own (a
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
  const contextBlock = keys.length > 0 ? `Context:\n${keys.map((key) => `${key}: ${formatContextValue(context[key])}`).join('\n')}` : '';
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

function formatContextValue(value: unknown): string {
  if (typeof value === 'string' && !/[\r\n]/.test(value)) return value;
  return JSON.stringify(value) ?? 'null';
}
