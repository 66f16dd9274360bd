import type { ChatMessage, TextPart } from '../providers/provider.js';
import type { ExecutionContext } from '../executor/agent-response.js';

export interface BuiltPrompt {
  readonly system: string;
  readonly messages: ChatMessage[];
}

/**
 * The prompt the model sees:
 * - system: the agent's system prompt, then the client's own instructions (when it sent any:
 *   OpenAI `system`/`developer` messages) verbatim after a blank line, then (when context is
 *   given) a blank line, `Context:`,
 *   and one `key: value` line per entry, keys sorted so equal context gives an equal prompt.
 *   Strings are written as they are unless they span lines; every other value (and a
 *   multi-line string) as JSON, so each entry stays on one line and cannot forge another.
 * - messages: the earlier turns (if any), then the input as the last user message; an empty
 *   input after a non-empty history adds nothing (the history is the whole conversation: it
 *   ends with the user's message or with tool results).
 */
export function buildPrompt(
  systemPrompt: string,
  input: string,
  context: ExecutionContext,
  history: readonly ChatMessage[] = [],
  instructions?: string,
): BuiltPrompt {
  const keys = Object.keys(context).sort();
  const contextBlock = keys.map((key) => `${key}: ${formatContextValue(context[key])}`).join('\n');
  const withInstructions = instructions !== undefined && instructions !== '' ? `${systemPrompt}\n\n${instructions}` : systemPrompt;
  return {
    system: keys.length > 0 ? `${withInstructions}\n\nContext:\n${contextBlock}` : withInstructions,
    messages: input === '' && history.length > 0 ? [...history] : [...history, { role: 'user', content: input }],
  };
}

function formatContextValue(value: unknown): string {
  if (typeof value === 'string' && !/[\r\n]/.test(value)) return value;
  return JSON.stringify(value) ?? 'null';
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
