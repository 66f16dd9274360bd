import type { CacheControl, ChatMessage, ContentPart, ToolCall, ToolResultMessage } from '../../providers/provider.js';
import { InvalidFieldError, type FieldPath } from '../tool-input/invalid-field-error.js';
import { ToolResultLedger } from '../tool-input/tool-result-ledger.js';
import { blockOf, fromAnthropicCacheControl, fromAnthropicImage, fromAnthropicPart, fromAnthropicText, unsupportedBlock } from './from-anthropic-content.js';

/** A Messages request's turns, as the agent executor takes them. */
export interface AnthropicConversation {
  /** The last message's text when it is the user's and a plain string: the input. Else empty, and `history` is the whole conversation. */
  readonly input: string;
  /** The turns before the input (or, with an empty input, all of them), in order. */
  readonly history: ChatMessage[];
  /** How many `thinking` / `redacted_thinking` blocks of earlier assistant turns were left out (extended thinking is not passed on). */
  readonly droppedThinking: number;
}

/**
 * Reads Anthropic `messages` (already checked to be objects):
 *
 * - `user` content is a string or blocks: `text` and `image` (cache marks kept), and
 *   `tool_result` blocks answering the assistant turn before (`tool_use_id`, `content` as a
 *   string or text and image blocks, `is_error`), which come first in the turn, as the API
 *   requires; several results in one turn become consecutive tool messages, in order;
 * - `assistant` content is a string or blocks: `text` and `tool_use` (`id`, `name`, `input`
 *   an object, kept as its JSON text); `thinking` and `redacted_thinking` blocks are left out
 *   (counted in `droppedThinking`);
 * - every `tool_use` is answered by a `tool_result` of the next user turn, each once;
 * - the conversation ends with a user turn, or with an assistant turn whose text the model
 *   continues (a prefill, as Claude Code sends).
 *
 * Other block types (documents, server tools) are refused naming the block. Throws an
 * `InvalidFieldError` at the offending field (`messages.2.content.0.tool_use_id`).
 */
export function fromAnthropicMessages(messages: readonly Record<string, unknown>[]): AnthropicConversation {
  const history: ChatMessage[] = [];
  const ledger = new ToolResultLedger();
  let droppedThinking = 0;
  messages.forEach((message, index) => {
    const at: FieldPath = ['messages', index];
    const role = message['role'];
    const content = message['content'];
    if (role === 'user') {
      userTurn(content, at, ledger, history);
    } else if (role === 'assistant') {
      const turn = assistantTurn(content, at, index === messages.length - 1);
      droppedThinking += turn.droppedThinking;
      ledger.assistant(turn.message.toolCalls, at, 'content', (call) => [...at, 'content', turn.callBlocks[call]!]);
      history.push(turn.message);
    } else {
      throw new InvalidFieldError([...at, 'role'], `must be "user" or "assistant"; got ${JSON.stringify(role) ?? 'nothing'} (the system prompt is the "system" field)`);
    }
  });
  ledger.end();
  const last = history.at(-1);
  if (last?.role === 'user' && typeof last.content === 'string' && (last.content !== '' || history.length === 1)) {
    history.pop();
    return { input: last.content, history, droppedThinking };
  }
  return { input: '', history, droppedThinking };
}

function userTurn(content: unknown, at: FieldPath, ledger: ToolResultLedger, history: ChatMessage[]): void {
  if (typeof content === 'string') {
    ledger.user();
    history.push({ role: 'user', content });
    return;
  }
  if (!Array.isArray(content) || content.length === 0) throw new InvalidFieldError([...at, 'content'], 'must be a string or a non-empty array of content blocks');
  const parts: ContentPart[] = [];
  content.forEach((value: unknown, index) => {
    const where = [...at, 'content', index];
    const block = blockOf(value, where);
    if (block.type === 'tool_result') {
      if (parts.length > 0) throw new InvalidFieldError([...where, 'type'], 'is a tool_result after other content: a user turn has its tool_result blocks first, then any text');
      const result = toolResult(block, where);
      ledger.result(result.toolCallId, [...where, 'tool_use_id']);
      history.push(result);
    } else {
      parts.push(fromAnthropicPart(block, where));
    }
  });
  if (parts.length === 0) return;
  ledger.user();
  history.push({ role: 'user', content: parts });
}

function toolResult(block: Record<string, unknown>, at: FieldPath): ToolResultMessage {
  const id = block['tool_use_id'];
  if (typeof id !== 'string' || id === '') throw new InvalidFieldError([...at, 'tool_use_id'], 'is required: the id of the tool_use this result answers');
  const raw = block['content'];
  let content: string | ContentPart[];
  if (raw === undefined || raw === null) content = '';
  else if (typeof raw === 'string') content = raw;
  else if (Array.isArray(raw)) content = raw.map((part: unknown, index) => fromAnthropicPart(part, [...at, 'content', index]));
  else throw new InvalidFieldError([...at, 'content'], 'must be a string or an array of text and image blocks');
  const isError = block['is_error'];
  if (isError !== undefined && isError !== null && typeof isError !== 'boolean') throw new InvalidFieldError([...at, 'is_error'], 'must be a boolean');
  const cacheControl = fromAnthropicCacheControl(block['cache_control'], [...at, 'cache_control']);
  const result: { -readonly [K in keyof ToolResultMessage]: ToolResultMessage[K] } = { role: 'tool', toolCallId: id, content };
  if (isError === true) result.isError = true;
  if (cacheControl !== undefined) result.cacheControl = cacheControl;
  return result;
}

/** An assistant turn, the block index of each of its calls (for errors), and the thinking blocks it left out. */
interface AssistantTurn {
  readonly message: Extract<ChatMessage, { role: 'assistant' }>;
  readonly callBlocks: number[];
  readonly droppedThinking: number;
}

function assistantTurn(content: unknown, at: FieldPath, last: boolean): AssistantTurn {
  if (typeof content === 'string') return { message: { role: 'assistant', content }, callBlocks: [], droppedThinking: 0 };
  // An empty last assistant turn is a prefill of nothing; anywhere else the API refuses it.
  if (!Array.isArray(content) || (content.length === 0 && !last)) throw new InvalidFieldError([...at, 'content'], 'must be a string or a non-empty array of content blocks');
  const texts: string[] = [];
  const calls: ToolCall[] = [];
  const callBlocks: number[] = [];
  let cacheControl: CacheControl | undefined;
  let droppedThinking = 0;
  content.forEach((value: unknown, index) => {
    const where = [...at, 'content', index];
    const block = blockOf(value, where);
    switch (block.type) {
      case 'text': {
        const text = fromAnthropicText(block, where);
        texts.push(text.text);
        if (text.cacheControl !== undefined) cacheControl = text.cacheControl;
        return;
      }
      case 'tool_use':
        calls.push(toolUse(block, where));
        callBlocks.push(index);
        return;
      case 'thinking':
      case 'redacted_thinking':
        droppedThinking += 1;
        return;
      case 'image':
        // Checked for a precise message, then refused: only user turns carry images.
        fromAnthropicImage(block, where);
        throw new InvalidFieldError([...where, 'type'], 'is "image": only user turns and tool results carry images');
      default:
        unsupportedBlock(block.type, where);
    }
  });
  const message: { -readonly [K in keyof AssistantTurn['message']]: AssistantTurn['message'][K] } = { role: 'assistant', content: texts.join('\n') };
  if (calls.length > 0) message.toolCalls = calls;
  if (cacheControl !== undefined) message.cacheControl = cacheControl;
  return { message, callBlocks, droppedThinking };
}

function toolUse(block: Record<string, unknown>, at: FieldPath): ToolCall {
  const { id, name, input } = block;
  if (typeof id !== 'string' || id === '') throw new InvalidFieldError([...at, 'id'], 'is required: the id its tool_result answers');
  if (typeof name !== 'string' || name === '') throw new InvalidFieldError([...at, 'name'], 'is required: the tool that was called');
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidFieldError([...at, 'input'], 'must be an object: the arguments of the call');
  const cacheControl = fromAnthropicCacheControl(block['cache_control'], [...at, 'cache_control']);
  const call = { id, name, arguments: JSON.stringify(input) };
  return cacheControl === undefined ? call : { ...call, cacheControl };
}
