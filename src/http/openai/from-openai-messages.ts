import { contentText, type ChatMessage } from '../../providers/provider.js';
import { HttpProblem } from '../problem.js';

/** A chat request's messages, as the agent executor takes them. */
export interface OpenAIConversation {
  /** The last message, which must be the user's: the agent's input. */
  readonly input: string;
  /** The user and assistant turns before it, in order. */
  readonly history: ChatMessage[];
  /** The client's own `system` and `developer` messages, joined by blank lines; absent when there are none. */
  readonly instructions?: string;
}

/**
 * Reads OpenAI chat `messages` (already checked to be objects with a string `role`):
 *
 * - the last `user` or `assistant` message must be the user's: it is the input; the turns
 *   before it are the conversation, passed to the provider after the agent's system prompt;
 * - `system` and `developer` messages never replace the agent's system prompt: their text is
 *   returned as `instructions`, which the caller hands to the prompt as context, so the model
 *   sees them after the agent's own prompt;
 * - content is a string or an array of text parts (an assistant's `refusal` parts count as
 *   text); images, audio and files are refused rather than silently dropped, as are tool
 *   messages and tool calls (an agent's tools are its manifest's, not the client's).
 *
 * Throws a 400 `HttpProblem` whose `param` names the offending field (`messages[2].content[1].type`).
 */
export function fromOpenAIMessages(messages: readonly Record<string, unknown>[]): OpenAIConversation {
  const turns: ChatMessage[] = [];
  const instructions: string[] = [];
  messages.forEach((message, index) => {
    const at = `messages[${index}]`;
    const role = message['role'];
    switch (role) {
      case 'system':
      case 'developer':
        instructions.push(textOf(message['content'], at, ['text']));
        return;
      case 'user':
        turns.push({ role: 'user', content: textOf(message['content'], at, ['text']) });
        return;
      case 'assistant': {
        const calls = message['tool_calls'] ?? message['function_call'];
        if (calls !== undefined && calls !== null && !(Array.isArray(calls) && calls.length === 0)) {
          throw invalid(`${at}.tool_calls`, `${at}: tool calls are not supported; an agent's tools come from its manifest`);
        }
        if (message['content'] === null || message['content'] === undefined) throw invalid(`${at}.content`, `${at}: an assistant message needs text content`);
        turns.push({ role: 'assistant', content: textOf(message['content'], at, ['text', 'refusal']) });
        return;
      }
      case 'tool':
      case 'function':
        throw invalid(`${at}.role`, `${at}: "${role}" messages are not supported; an agent's tools come from its manifest`);
      default:
        throw invalid(`${at}.role`, `${at}.role must be one of "system", "developer", "user", "assistant"; got ${JSON.stringify(role)}`);
    }
  });
  const last = turns.pop();
  if (!last || last.role !== 'user') throw invalid('messages', 'the last user or assistant message must be from the user: it is the input the agent answers');
  return { input: contentText(last.content), history: turns, ...(instructions.length > 0 ? { instructions: instructions.join('\n\n') } : {}) };
}

/** The text of a `content`: a string, or the text of an array of parts of the allowed types. */
function textOf(content: unknown, at: string, allowed: readonly string[]): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(`${at}.content`, `${at}.content must be a string or an array of content parts`);
  return content
    .map((part: unknown, index) => {
      const where = `${at}.content[${index}]`;
      if (typeof part !== 'object' || part === null) throw invalid(where, `${where} must be a content part object`);
      const { type } = part as Record<string, unknown>;
      if (typeof type !== 'string' || !allowed.includes(type)) {
        throw invalid(`${where}.type`, `${where}: content of type ${JSON.stringify(type)} is not supported; this gateway's agents take text only`);
      }
      const text = (part as Record<string, unknown>)[type === 'refusal' ? 'refusal' : 'text'];
      if (typeof text !== 'string') throw invalid(`${where}.${type === 'refusal' ? 'refusal' : 'text'}`, `${where} has no text`);
      return text;
    })
    .join('\n');
}

function invalid(param: string, message: string): HttpProblem {
  return new HttpProblem(400, 'invalid-request', 'Invalid request', message, { param });
}
