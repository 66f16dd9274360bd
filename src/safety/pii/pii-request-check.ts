import type { ExecuteOptions, ExecutionContext } from '../../executor/agent-response.js';
import type { ChatMessage, ContentPart, TextPart } from '../../providers/provider.js';
import type { PiiScanner } from './pii-scanner.js';
import type { PiiCounts } from './pii-type.js';

/** Nested context values deeper than this are left as they are (HTTP bodies are bounded shallower). */
const MAX_DEPTH = 32;

/** What a client sent that reaches the model, before the agent's own prompt is added. */
export interface ClientContent {
  readonly input: string;
  readonly context: ExecutionContext;
  readonly options: ExecuteOptions;
}

/** The client's content checked: what was found, and (with `redact`) the content with each value replaced. */
export interface CheckedContent extends ClientContent {
  readonly counts: PiiCounts;
  readonly found: number;
}

/**
 * Checks everything the client provided that reaches the model: the input, each context value
 * (strings at any depth; keys are not), the history (user and assistant turns, assistant tool
 * calls' arguments, tool results), and the client's own system text (`instructions`, or its
 * blocks). The agent's system prompt is the operator's, not the client's, and is not checked;
 * nor are the tool definitions a client offers (schemas, not conversation). With `redact`
 * false only counts; with true, every value found is replaced and the content returned is
 * new where something changed (the same objects elsewhere).
 */
export function checkClientContent(scanner: PiiScanner, content: ClientContent, redact: boolean): CheckedContent {
  const counts: PiiCounts = {};
  let found = 0;
  const text = (value: string): string => {
    const result = scanner.redact(value);
    if (result.found === 0) return value;
    found += result.found;
    for (const [type, count] of Object.entries(result.counts)) counts[type as keyof PiiCounts] = (counts[type as keyof PiiCounts] ?? 0) + count;
    return redact ? result.text : value;
  };

  const input = text(content.input);
  const context = redactValue(content.context, text, 0) as ExecutionContext;
  const { options } = content;
  let changed: Partial<{ -readonly [K in keyof ExecuteOptions]: ExecuteOptions[K] }> | undefined;
  if (options.history !== undefined) {
    const history = mapChanged(options.history, (message) => redactMessage(message, text));
    if (history !== options.history) (changed ??= {}).history = history;
  }
  if (options.instructions !== undefined) {
    const instructions = text(options.instructions);
    if (instructions !== options.instructions) (changed ??= {}).instructions = instructions;
  }
  if (options.systemBlocks !== undefined) {
    const blocks = mapChanged(options.systemBlocks, (block) => redactTextPart(block, text));
    if (blocks !== options.systemBlocks) (changed ??= {}).systemBlocks = blocks;
  }
  return { input, context, options: changed ? { ...options, ...changed } : options, counts, found };
}

function redactMessage(message: ChatMessage, text: (value: string) => string): ChatMessage {
  switch (message.role) {
    case 'user': {
      const content = redactContent(message.content, text);
      return content === message.content ? message : { ...message, content };
    }
    case 'tool': {
      const content = redactContent(message.content, text);
      return content === message.content ? message : { ...message, content };
    }
    case 'assistant': {
      const content = text(message.content);
      const toolCalls = message.toolCalls && mapChanged(message.toolCalls, (call) => {
        const args = text(call.arguments);
        return args === call.arguments ? call : { ...call, arguments: args };
      });
      return content === message.content && toolCalls === message.toolCalls ? message : { ...message, content, ...(toolCalls ? { toolCalls } : {}) };
    }
    default: {
      const unknown: never = message;
      throw new Error(`unexpected message ${JSON.stringify(unknown)}`);
    }
  }
}

function redactContent(content: string | readonly ContentPart[], text: (value: string) => string): string | readonly ContentPart[] {
  if (typeof content === 'string') return text(content);
  return mapChanged(content, (part) => (part.type === 'text' ? redactTextPart(part, text) : part));
}

function redactTextPart(part: TextPart, text: (value: string) => string): TextPart {
  const redacted = text(part.text);
  return redacted === part.text ? part : { ...part, text: redacted };
}

function redactValue(value: unknown, text: (value: string) => string, depth: number): unknown {
  if (typeof value === 'string') return text(value);
  if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return mapChanged(value, (item) => redactValue(item, text, depth + 1));
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const redacted = redactValue(item, text, depth + 1);
    if (redacted !== item) (copy ??= { ...value })[key] = redacted;
  }
  return copy ?? value;
}

/** `items` mapped, or `items` itself when no item changed. */
function mapChanged<T>(items: readonly T[], map: (item: T) => T): readonly T[] {
  let copy: T[] | undefined;
  items.forEach((item, i) => {
    const mapped = map(item);
    if (mapped !== item) (copy ??= [...items])[i] = mapped;
  });
  return copy ?? items;
}
