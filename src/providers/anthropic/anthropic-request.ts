import { isRecord, parseJson } from '../http/json-values.js';
import type { AssistantMessage, CacheControl, ContentPart, ImagePart, JsonSchema, ModelCall, TextPart, ToolDefinition, ToolResultMessage, UserMessage } from '../provider.js';
import { anthropicFormatTool, type AnthropicFormatTool } from './anthropic-format-tool.js';
import { systemText } from '../provider.js';
import { jsonFieldsAfter, type ConstantBodyParts } from '../http/constant-body-parts.js';

// The request half of the Anthropic Messages API (anthropic-version 2023-06-01): a
// `ModelCall` as the body of `POST /v1/messages`. Pure; fields the call leaves out are left out.

export interface AnthropicTextBlock {
  readonly type: 'text';
  readonly text: string;
  readonly cache_control?: CacheControl;
}

export interface AnthropicImageBlock {
  readonly type: 'image';
  readonly source:
    | { readonly type: 'base64'; readonly media_type: string; readonly data: string }
    | { readonly type: 'url'; readonly url: string };
  readonly cache_control?: CacheControl;
}

export interface AnthropicToolUseBlock {
  readonly type: 'tool_use';
  readonly id: string;
  readonly name: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly cache_control?: CacheControl;
}

export interface AnthropicToolResultBlock {
  readonly type: 'tool_result';
  readonly tool_use_id: string;
  readonly content: string | readonly (AnthropicTextBlock | AnthropicImageBlock)[];
  readonly is_error?: true;
  readonly cache_control?: CacheControl;
}

export type AnthropicContentBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicToolUseBlock | AnthropicToolResultBlock;

export interface AnthropicMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string | readonly AnthropicContentBlock[];
}

export interface AnthropicTool {
  readonly name: string;
  readonly description?: string;
  readonly input_schema: JsonSchema;
  readonly cache_control?: CacheControl;
}

export type AnthropicToolChoice =
  | { readonly type: 'auto' | 'any'; readonly disable_parallel_tool_use?: true }
  | { readonly type: 'tool'; readonly name: string; readonly disable_parallel_tool_use?: true }
  | { readonly type: 'none' };

/** The body of `POST /v1/messages`, as far as the gateway uses it. */
export interface AnthropicRequest {
  readonly model: string;
  /** Text, or text blocks (kept as blocks so their `cache_control` reaches the API). */
  readonly system?: string | readonly AnthropicTextBlock[];
  readonly messages: readonly AnthropicMessage[];
  readonly max_tokens: number;
  /** Left out when `top_p` is sent: recent models refuse the two together. */
  readonly temperature?: number;
  readonly top_p?: number;
  readonly top_k?: number;
  readonly stop_sequences?: readonly string[];
  readonly tools?: readonly AnthropicTool[];
  readonly tool_choice?: AnthropicToolChoice;
  readonly metadata?: { readonly user_id: string };
  readonly stream?: true;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The common call as a Messages API body. An empty system prompt is left out; `topP`, when
 * set, is sent instead of `temperature` (the call always carries a temperature, a default
 * more often than a choice, and Claude's recent models refuse both at once); frequency and
 * presence penalties have no Messages API field and are not sent. A `responseFormat` becomes
 * a forced tool (see `anthropicFormatTool`). `providerOptions.anthropic` adds `top_k` and
 * `metadata.user_id` (its `beta` flags are a header, see the provider); cache marks a client
 * put on its blocks (system, text, images, tools, tool uses, tool results) are kept.
 */
export function toAnthropicRequest(call: ModelCall, stream: boolean): AnthropicRequest {
  return { model: call.model, messages: toAnthropicMessages(call.messages), ...anthropicRequestSettings(call, stream) };
}

/**
 * `toAnthropicRequest(call, stream)` as JSON, byte for byte, its constant part (model, system
 * prompt, settings, tools) taken from `memo` when the call's settings were seen before: only
 * the conversation is serialised per request.
 */
export function toAnthropicRequestJson(call: ModelCall, stream: boolean, memo: ConstantBodyParts): string {
  const anthropic = call.providerOptions?.anthropic;
  const key = typeof call.system === 'string' ? call.system : systemText(call.system);
  // The system itself is compared too: text blocks carry cache marks the key does not show.
  const settings = [call.model, stream, call.system, call.maxTokens, call.temperature, call.topP, anthropic?.topK, anthropic?.userId, call.stop, call.tools, call.toolChoice, call.parallelToolCalls, call.responseFormat];
  const parts = memo.parts(key, settings, () => ({
    head: `{"model":${JSON.stringify(call.model)},"messages":`,
    tail: jsonFieldsAfter(anthropicRequestSettings(call, stream)),
  }));
  return parts.head + JSON.stringify(toAnthropicMessages(call.messages)) + parts.tail;
}

/** The body's fields after `messages`, in the order the wire has always had them. */
function anthropicRequestSettings(call: ModelCall, stream: boolean): Omit<AnthropicRequest, 'model' | 'messages'> {
  const body: Writable<Omit<AnthropicRequest, 'model' | 'messages'>> = { max_tokens: call.maxTokens };
  const system = toAnthropicSystem(call.system);
  if (system !== undefined) body.system = system;
  if (call.topP === undefined) body.temperature = call.temperature;
  else body.top_p = call.topP;
  const anthropic = call.providerOptions?.anthropic;
  if (anthropic?.topK !== undefined) body.top_k = anthropic.topK;
  if (call.stop !== undefined && call.stop.length > 0) body.stop_sequences = call.stop;
  if ((call.tools !== undefined && call.tools.length > 0) || (call.responseFormat !== undefined && call.responseFormat.type !== 'text')) {
    const format = anthropicFormatTool(call);
    const tools = call.tools?.map(toAnthropicTool) ?? [];
    if (format !== undefined) tools.push(toAnthropicFormatTool(format));
    if (tools.length > 0) body.tools = tools;
    const choice = toAnthropicToolChoice(call, format);
    if (choice !== undefined) body.tool_choice = choice;
  }
  if (anthropic?.userId !== undefined) body.metadata = { user_id: anthropic.userId };
  if (stream) body.stream = true;
  return body;
}

/** The system prompt: text as text, blocks as text blocks (with their cache marks); empty: none. */
export function toAnthropicSystem(system: ModelCall['system']): string | AnthropicTextBlock[] | undefined {
  if (typeof system === 'string') return system === '' ? undefined : system;
  return system.length === 0 ? undefined : system.map(toAnthropicTextBlock);
}

/**
 * The conversation as Messages API turns. A run of tool results becomes ONE user turn of
 * `tool_result` blocks, in order, with the user message that follows them (if any) appended
 * to the same turn, as the API requires results first and the turn after the tool uses.
 */
export function toAnthropicMessages(messages: ModelCall['messages']): AnthropicMessage[] {
  const turns: AnthropicMessage[] = [];
  for (let i = 0; i < messages.length; i += 1) {
    const message = messages[i]!;
    if (message.role === 'user') turns.push({ role: 'user', content: toAnthropicUserContent(message.content) });
    else if (message.role === 'assistant') turns.push(toAnthropicAssistant(message));
    else {
      const blocks: AnthropicContentBlock[] = [];
      for (; i < messages.length && messages[i]!.role === 'tool'; i += 1) blocks.push(toAnthropicToolResult(messages[i] as ToolResultMessage));
      const next = messages[i];
      if (next !== undefined && next.role === 'user') {
        const content = next.content;
        if (typeof content === 'string') {
          if (content !== '') blocks.push({ type: 'text', text: content });
        } else for (const part of content) blocks.push(toAnthropicPart(part));
      } else i -= 1;
      turns.push({ role: 'user', content: blocks });
    }
  }
  return turns;
}

function toAnthropicUserContent(content: UserMessage['content']): string | AnthropicContentBlock[] {
  return typeof content === 'string' ? content : content.map(toAnthropicPart);
}

/** Text, then one `tool_use` block per call; a turn without calls (or cache marks) stays plain text. */
function toAnthropicAssistant(message: AssistantMessage): AnthropicMessage {
  const marked = message.cacheControl;
  if ((message.toolCalls === undefined || message.toolCalls.length === 0) && marked === undefined) return { role: 'assistant', content: message.content };
  const blocks: AnthropicContentBlock[] = message.content === '' ? [] : [marked === undefined ? { type: 'text', text: message.content } : { type: 'text', text: message.content, cache_control: marked }];
  for (const call of message.toolCalls ?? []) {
    const input = toAnthropicToolInput(call.arguments);
    blocks.push(call.cacheControl === undefined ? { type: 'tool_use', id: call.id, name: call.name, input } : { type: 'tool_use', id: call.id, name: call.name, input, cache_control: call.cacheControl });
  }
  return { role: 'assistant', content: blocks };
}

/**
 * A tool call's arguments as the object `tool_use.input` must be. Arguments that are not a
 * JSON object (a model cut off mid-JSON, or that wrote an array) are sent as `{}`: the API
 * accepts nothing else, and the tool result that answered the call (an error, as a rule)
 * tells the model what went wrong; refusing the whole request would end the agent's loop.
 */
export function toAnthropicToolInput(args: string): Readonly<Record<string, unknown>> {
  const parsed = args === '' ? undefined : parseJson(args);
  return isRecord(parsed) ? parsed : {};
}

function toAnthropicToolResult(result: ToolResultMessage): AnthropicToolResultBlock {
  const content = typeof result.content === 'string' ? result.content : result.content.map(toAnthropicPart);
  const block: Writable<AnthropicToolResultBlock> = { type: 'tool_result', tool_use_id: result.toolCallId, content };
  if (result.isError === true) block.is_error = true;
  if (result.cacheControl !== undefined) block.cache_control = result.cacheControl;
  return block;
}

function toAnthropicPart(part: ContentPart): AnthropicTextBlock | AnthropicImageBlock {
  return part.type === 'text' ? toAnthropicTextBlock(part) : toAnthropicImage(part);
}

function toAnthropicTextBlock(part: TextPart): AnthropicTextBlock {
  return part.cacheControl === undefined ? { type: 'text', text: part.text } : { type: 'text', text: part.text, cache_control: part.cacheControl };
}

/** An image as a `base64` or `url` source; a `data:` URL (which the `url` source does not take) as base64. */
export function toAnthropicImage(part: ImagePart): AnthropicImageBlock {
  const { source } = part;
  let wire: AnthropicImageBlock['source'];
  if (source.kind === 'base64') wire = { type: 'base64', media_type: source.mediaType, data: source.data };
  else {
    const data = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
    wire = data ? { type: 'base64', media_type: data[1]!, data: data[2]! } : { type: 'url', url: source.url };
  }
  return part.cacheControl === undefined ? { type: 'image', source: wire } : { type: 'image', source: wire, cache_control: part.cacheControl };
}

/** A tool as `{ name, description, input_schema, cache_control }`; OpenAI's `strict` has no field here. */
export function toAnthropicTool(tool: ToolDefinition): AnthropicTool {
  const wire: Writable<AnthropicTool> = { name: tool.name, input_schema: tool.parameters };
  if (tool.description !== undefined) wire.description = tool.description;
  if (tool.cacheControl !== undefined) wire.cache_control = tool.cacheControl;
  return wire;
}

function toAnthropicFormatTool(format: AnthropicFormatTool): AnthropicTool {
  return { name: format.name, description: format.description, input_schema: format.schema };
}

/**
 * `auto` / `any` (for `required`) / `tool` / `none`, with `disable_parallel_tool_use` when
 * parallel calls are off. With a response format's tool: forced when it is the only way to
 * answer (no client tools, or `none`), else `any` (a client tool, or the answer).
 */
export function toAnthropicToolChoice(call: ModelCall, format: AnthropicFormatTool | undefined): AnthropicToolChoice | undefined {
  const serial = call.parallelToolCalls === false;
  const hasTools = call.tools !== undefined && call.tools.length > 0;
  if (format !== undefined) {
    if (!hasTools || call.toolChoice === 'none') return serial ? { type: 'tool', name: format.name, disable_parallel_tool_use: true } : { type: 'tool', name: format.name };
    return serial ? { type: 'any', disable_parallel_tool_use: true } : { type: 'any' };
  }
  if (!hasTools) return undefined;
  const choice = call.toolChoice;
  if (choice === 'none') return { type: 'none' };
  if (choice === undefined && !serial) return undefined;
  const picked: AnthropicToolChoice =
    choice === undefined || choice === 'auto' ? { type: 'auto' } : choice === 'required' ? { type: 'any' } : { type: 'tool', name: choice.name };
  return serial ? { ...picked, disable_parallel_tool_use: true } : picked;
}
