import { contentText, systemText, type ModelCall, type ToolCall, type ToolDefinition, type ToolResultMessage, type Usage } from '../provider.js';
import { exampleFromSchema } from './schema-example.js';

/** What the echo provider answers: text, or tool calls (then the text is empty). */
export interface EchoAnswer {
  readonly text: string;
  readonly toolCalls?: readonly ToolCall[];
}

/**
 * The echo provider's answer to a call, decided by a small fixed rule so the offline default
 * demonstrates tools, tool results and structured output, the same way every time:
 *
 * 1. Tools are offered, `toolChoice` is not `none` and the last message is the user's: it
 *    calls the tool `toolChoice` names; else every offered tool whose name appears in the
 *    user's text (case-insensitively, in the order offered; only the first when
 *    `parallelToolCalls` is false); else, with `required`, the first tool. Arguments are a
 *    value of the tool's JSON Schema (`exampleFromSchema`: required properties, enums,
 *    defaults, types). Call ids are `call_echo_<turn>_<n>` (turn = assistant turns so far),
 *    unique within a conversation. No tool picked: a text answer, as below.
 * 2. The last messages are tool results: one line per result, `[echo] <tool>: <content>`
 *    (`[echo] <tool> failed: <content>` for an error), the tool named by the result or by the
 *    call it answers.
 * 3. Otherwise `[echo] <last user message>` (`[echo]` when there is none).
 * 4. A `json_schema` response format turns any text answer into the JSON text of a value of
 *    the schema; `json_object` into `{"echo": "<the text answer>"}`.
 */
export function echoAnswer(call: ModelCall): EchoAnswer {
  const last = call.messages.at(-1);
  if (call.tools !== undefined && call.tools.length > 0 && call.toolChoice !== 'none' && last?.role === 'user') {
    const toolCalls = echoToolCalls(call, call.tools, contentText(last.content));
    if (toolCalls.length > 0) return { text: '', toolCalls };
  }
  const text = last?.role === 'tool' ? toolResultsText(call) : echoText(call);
  const format = call.responseFormat;
  if (format === undefined || format.type === 'text') return { text };
  if (format.type === 'json_object') return { text: JSON.stringify({ echo: text }) };
  return { text: JSON.stringify(exampleFromSchema(format.schema)) };
}

/** The echo answer for a call without tools: `"[echo] " + <last user message>`, or `"[echo]"`. */
export function echoText(call: ModelCall): string {
  const lastUser = call.messages.findLast((message) => message.role === 'user');
  return lastUser === undefined ? '[echo]' : `[echo] ${contentText(lastUser.content)}`;
}

function echoToolCalls(call: ModelCall, tools: readonly ToolDefinition[], userText: string): ToolCall[] {
  let picked: ToolDefinition[];
  const choice = call.toolChoice;
  if (typeof choice === 'object') picked = tools.filter((tool) => tool.name === choice.name).slice(0, 1);
  else {
    const text = userText.toLowerCase();
    picked = tools.filter((tool) => text.includes(tool.name.toLowerCase()));
    if (picked.length === 0 && choice === 'required') picked = tools.slice(0, 1);
    if (call.parallelToolCalls === false) picked = picked.slice(0, 1);
  }
  const turn = call.messages.reduce((count, message) => (message.role === 'assistant' ? count + 1 : count), 0);
  return picked.map((tool, n) => ({ id: `call_echo_${turn}_${n}`, name: tool.name, arguments: JSON.stringify(exampleFromSchema(tool.parameters)) }));
}

/** One line per trailing tool result: `[echo] <tool>: <content>`. */
function toolResultsText(call: ModelCall): string {
  const messages = call.messages;
  let first = messages.length;
  while (first > 0 && messages[first - 1]!.role === 'tool') first -= 1;
  const lines: string[] = [];
  for (let i = first; i < messages.length; i += 1) {
    const result = messages[i] as ToolResultMessage;
    const name = result.name ?? callName(call, result.toolCallId) ?? result.toolCallId;
    lines.push(`[echo] ${name}${result.isError === true ? ' failed' : ''}: ${contentText(result.content)}`);
  }
  return lines.join('\n');
}

/** The name of the tool call an id names, from the assistant turns of the conversation. */
function callName(call: ModelCall, id: string): string | undefined {
  for (let i = call.messages.length - 1; i >= 0; i -= 1) {
    const message = call.messages[i]!;
    if (message.role !== 'assistant' || message.toolCalls === undefined) continue;
    const found = message.toolCalls.find((toolCall) => toolCall.id === id);
    if (found !== undefined) return found.name;
  }
  return undefined;
}

/** Word counts: input over system prompt and messages, output over the answer's text and tool-call arguments. */
export function echoUsage(call: ModelCall, answer: EchoAnswer): Usage {
  let input = countWords(systemText(call.system));
  for (const message of call.messages) input += countWords(contentText(message.content));
  let output = countWords(answer.text);
  if (answer.toolCalls !== undefined) for (const toolCall of answer.toolCalls) output += countWords(toolCall.arguments);
  return { inputTokens: input, outputTokens: output };
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word !== '').length;
}
