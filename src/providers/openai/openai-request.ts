import type {
  ChatMessage,
  ContentPart,
  ImagePart,
  JsonSchema,
  ModelCall,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  ToolResultMessage,
} from '../provider.js';
import { systemText } from '../provider.js';
import { jsonFieldsAfter, type ConstantBodyParts } from '../http/constant-body-parts.js';

// The request half of the OpenAI Chat Completions wire format: a `ModelCall` as the body of
// `POST /chat/completions`. Pure; fields the call leaves out are left out of the body.

/** A part of a user message's content. */
export type OpenAIContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image_url'; readonly image_url: { readonly url: string; readonly detail?: 'auto' | 'low' | 'high' } };

/** A tool call an assistant message made, as the wire carries it in history. */
export interface OpenAIToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** One chat message on the wire. */
export type OpenAIMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string | readonly OpenAIContentPart[] }
  // `content` is null when the assistant only called tools: OpenAI's own shape for such a turn.
  | { readonly role: 'assistant'; readonly content: string | null; readonly tool_calls?: readonly OpenAIToolCall[] }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string | readonly { readonly type: 'text'; readonly text: string }[] };

/** A function tool definition. */
export interface OpenAITool {
  readonly type: 'function';
  readonly function: { readonly name: string; readonly description?: string; readonly parameters: JsonSchema; readonly strict?: boolean };
}

export type OpenAIToolChoice = 'auto' | 'none' | 'required' | { readonly type: 'function'; readonly function: { readonly name: string } };

export type OpenAIResponseFormat =
  | { readonly type: 'json_object' }
  | {
      readonly type: 'json_schema';
      readonly json_schema: { readonly name: string; readonly schema: JsonSchema; readonly strict?: boolean; readonly description?: string };
    };

/** The body of `POST /chat/completions`, as far as the gateway uses it. */
export interface OpenAIRequest {
  readonly model: string;
  readonly messages: readonly OpenAIMessage[];
  /** Every compatible server reads it; OpenAI's reasoning models refuse it (see `OpenAITokenLimitParam`). */
  readonly max_tokens?: number;
  readonly max_completion_tokens?: number;
  /** Left out for OpenAI's reasoning models, which accept only their default. */
  readonly temperature?: number;
  readonly top_p?: number;
  readonly frequency_penalty?: number;
  readonly presence_penalty?: number;
  readonly stop?: readonly string[];
  readonly tools?: readonly OpenAITool[];
  readonly tool_choice?: OpenAIToolChoice;
  readonly parallel_tool_calls?: boolean;
  readonly response_format?: OpenAIResponseFormat;
  readonly stream?: true;
  readonly stream_options?: { readonly include_usage: true };
}

/** Which body field carries `maxTokens`. */
export type OpenAITokenLimitParam = 'max_tokens' | 'max_completion_tokens';

/** How one upstream wants its requests shaped: decided once per provider and model. */
export interface OpenAIRequestStyle {
  /** `openai` is api.openai.com (or a proxy of it); `openai-compatible` anything else. */
  readonly type: 'openai' | 'openai-compatible';
  /** Configured per provider (`max_tokens_param`); absent: `openAITokenLimitParam` decides. */
  readonly tokenLimitParam?: OpenAITokenLimitParam;
}

/**
 * OpenAI's reasoning models, the o-series (`o1`, `o3-mini`, `o4-mini`, ...) and the gpt-5
 * family, fine-tuned ones (`ft:o4-mini:...`) included. On api.openai.com they refuse
 * `max_tokens` (they take `max_completion_tokens`) and any `temperature` but their default.
 */
export function isOpenAIReasoningModel(model: string): boolean {
  return /^(?:ft:)?(?:o\d|gpt-5)/.test(model);
}

/**
 * The token-limit field for a model: the configured one, else `max_completion_tokens` for
 * OpenAI's reasoning models on a provider of type `openai`, else `max_tokens` (what every
 * OpenAI-compatible server reads, and what OpenAI's other models still accept).
 */
export function openAITokenLimitParam(model: string, style: OpenAIRequestStyle): OpenAITokenLimitParam {
  if (style.tokenLimitParam !== undefined) return style.tokenLimitParam;
  return style.type === 'openai' && isOpenAIReasoningModel(model) ? 'max_completion_tokens' : 'max_tokens';
}

const COMPATIBLE: OpenAIRequestStyle = { type: 'openai-compatible' };

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The common call as a Chat Completions body: the system prompt first (left out when empty),
 * then the conversation; tool settings only when tools are offered (OpenAI refuses
 * `tool_choice` and `parallel_tool_calls` without `tools`).
 */
export function toOpenAIRequest(call: ModelCall, stream: boolean, style: OpenAIRequestStyle = COMPATIBLE): OpenAIRequest {
  return { model: call.model, messages: toOpenAIMessages(call), ...openAIRequestSettings(call, stream, style) };
}

/**
 * `toOpenAIRequest(call, stream, style)` as JSON, byte for byte, its constant part (model,
 * system prompt, settings, tools) taken from `memo` when the call's settings were seen before:
 * only the conversation is serialised per request.
 */
export function toOpenAIRequestJson(call: ModelCall, stream: boolean, style: OpenAIRequestStyle, memo: ConstantBodyParts): string {
  const system = systemText(call.system);
  const settings = [call.model, stream, call.maxTokens, call.temperature, call.topP, call.frequencyPenalty, call.presencePenalty, call.stop, call.tools, call.toolChoice, call.parallelToolCalls, call.responseFormat];
  const parts = memo.parts(system, settings, () => ({
    head: `{"model":${JSON.stringify(call.model)},"messages":[${system === '' ? '' : JSON.stringify({ role: 'system', content: system })}`,
    tail: `]${jsonFieldsAfter(openAIRequestSettings(call, stream, style))}`,
  }));
  const conversation = JSON.stringify(toOpenAIConversation(call.messages));
  if (conversation === '[]') return parts.head + parts.tail;
  return `${parts.head}${system === '' ? '' : ','}${conversation.slice(1, -1)}${parts.tail}`;
}

/** The body's fields after `messages`, in the order the wire has always had them. */
function openAIRequestSettings(call: ModelCall, stream: boolean, style: OpenAIRequestStyle): Omit<OpenAIRequest, 'model' | 'messages'> {
  const reasoning = style.type === 'openai' && isOpenAIReasoningModel(call.model);
  const body: Writable<Omit<OpenAIRequest, 'model' | 'messages'>> =
    openAITokenLimitParam(call.model, style) === 'max_tokens' ? { max_tokens: call.maxTokens } : { max_completion_tokens: call.maxTokens };
  if (!reasoning) {
    body.temperature = call.temperature;
    if (call.topP !== undefined) body.top_p = call.topP;
    if (call.frequencyPenalty !== undefined) body.frequency_penalty = call.frequencyPenalty;
    if (call.presencePenalty !== undefined) body.presence_penalty = call.presencePenalty;
  }
  if (call.stop !== undefined && call.stop.length > 0) body.stop = call.stop;
  if (call.tools !== undefined && call.tools.length > 0) {
    body.tools = call.tools.map(toOpenAITool);
    if (call.toolChoice !== undefined) body.tool_choice = toOpenAIToolChoice(call.toolChoice);
    if (call.parallelToolCalls !== undefined) body.parallel_tool_calls = call.parallelToolCalls;
  }
  if (call.responseFormat !== undefined) {
    const format = toOpenAIResponseFormat(call.responseFormat);
    if (format !== undefined) body.response_format = format;
  }
  if (stream) {
    body.stream = true;
    // OpenAI reports usage in a stream only when asked, in a last chunk with no choices.
    body.stream_options = { include_usage: true };
  }
  return body;
}

/** The system prompt and the conversation as Chat Completions messages. */
export function toOpenAIMessages(call: ModelCall): OpenAIMessage[] {
  const system = systemText(call.system);
  const conversation = toOpenAIConversation(call.messages);
  if (system !== '') conversation.unshift({ role: 'system', content: system });
  return conversation;
}

/** The conversation (no system prompt) as Chat Completions messages. */
function toOpenAIConversation(source: ModelCall['messages']): OpenAIMessage[] {
  const messages: OpenAIMessage[] = [];
  for (let i = 0; i < source.length; i += 1) {
    const message = source[i]!;
    if (message.role !== 'tool') {
      messages.push(toOpenAIMessage(message));
      continue;
    }
    // A run of tool results answers one assistant turn. OpenAI's tool message holds text only,
    // so the images a tool returned follow the run as one user message (nothing may come
    // between an assistant's tool calls and their results).
    let images: OpenAIContentPart[] | undefined;
    for (; i < source.length && source[i]!.role === 'tool'; i += 1) {
      const result = source[i] as ToolResultMessage;
      messages.push(toOpenAIToolMessage(result));
      if (typeof result.content !== 'string') {
        for (const part of result.content) if (part.type === 'image') (images ??= []).push(toOpenAIImagePart(part));
      }
    }
    i -= 1;
    if (images !== undefined) messages.push({ role: 'user', content: images });
  }
  return messages;
}

function toOpenAIMessage(message: Exclude<ChatMessage, ToolResultMessage>): OpenAIMessage {
  if (message.role === 'user') {
    return { role: 'user', content: typeof message.content === 'string' ? message.content : message.content.map(toOpenAIContentPart) };
  }
  if (message.toolCalls === undefined || message.toolCalls.length === 0) return { role: 'assistant', content: message.content };
  return { role: 'assistant', content: message.content === '' ? null : message.content, tool_calls: message.toolCalls.map(toOpenAIToolCall) };
}

/** A tool result as a `role: tool` message; text parts stay parts, images go elsewhere (see above). */
function toOpenAIToolMessage(result: ToolResultMessage): OpenAIMessage {
  if (typeof result.content === 'string') return { role: 'tool', tool_call_id: result.toolCallId, content: result.content };
  const texts: { type: 'text'; text: string }[] = [];
  for (const part of result.content) if (part.type === 'text') texts.push({ type: 'text', text: part.text });
  return { role: 'tool', tool_call_id: result.toolCallId, content: texts.length === 0 ? '' : texts };
}

/** A tool call from history, arguments verbatim. */
export function toOpenAIToolCall(call: ToolCall): OpenAIToolCall {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

function toOpenAIContentPart(part: ContentPart): OpenAIContentPart {
  return part.type === 'text' ? { type: 'text', text: part.text } : toOpenAIImagePart(part);
}

/** An image as an `image_url` part: a URL as given, base64 data as a `data:` URL. */
export function toOpenAIImagePart(part: ImagePart): OpenAIContentPart {
  const url = part.source.kind === 'url' ? part.source.url : `data:${part.source.mediaType};base64,${part.source.data}`;
  return { type: 'image_url', image_url: part.detail === undefined ? { url } : { url, detail: part.detail } };
}

/** A tool definition as a function tool; `strict` only when set. */
export function toOpenAITool(tool: ToolDefinition): OpenAITool {
  const fn: Writable<OpenAITool['function']> = { name: tool.name, parameters: tool.parameters };
  if (tool.description !== undefined) fn.description = tool.description;
  if (tool.strict !== undefined) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

/** `auto | none | required` as they are; a named tool as `{ type: 'function', function: { name } }`. */
export function toOpenAIToolChoice(choice: ToolChoice): OpenAIToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

/** A response format, or `undefined` for text (the default, so nothing is sent). */
export function toOpenAIResponseFormat(format: ResponseFormat): OpenAIResponseFormat | undefined {
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const jsonSchema: Writable<Extract<OpenAIResponseFormat, { type: 'json_schema' }>['json_schema']> = { name: format.name, schema: format.schema };
      if (format.strict !== undefined) jsonSchema.strict = format.strict;
      if (format.description !== undefined) jsonSchema.description = format.description;
      return { type: 'json_schema', json_schema: jsonSchema };
    }
    default: {
      const unreachable: never = format;
      return unreachable;
    }
  }
}
