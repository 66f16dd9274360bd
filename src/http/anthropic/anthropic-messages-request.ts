import type { CacheControl, ChatMessage, ResponseFormat, TextPart, ToolChoice, ToolDefinition } from '../../providers/provider.js';
import { HttpProblem } from '../problem.js';
import { InvalidFieldError } from '../tool-input/invalid-field-error.js';
import { fromAnthropicCacheControl, fromAnthropicSystem } from './from-anthropic-content.js';
import { fromAnthropicMessages } from './from-anthropic-messages.js';
import { fromAnthropicOutputFormat, fromAnthropicToolChoice, fromAnthropicTools } from './from-anthropic-tools.js';
import type { AnthropicMessagesBody } from './anthropic-types.js';

/** The most stop sequences one request may set. */
const MAX_STOP_SEQUENCES = 16;
/** Anthropic's own bound on `metadata.user_id`. */
const MAX_USER_ID_LENGTH = 256;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What the gateway runs for a Messages request (or counts, for `count_tokens`). */
export interface MessagesRequest {
  /** The agent or pass-through model: the request's `model`. */
  readonly model: string;
  readonly input: string;
  readonly history: ChatMessage[];
  /** The client's system prompt: text, or blocks (with their cache marks). */
  readonly system?: string | TextPart[];
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly stop?: string[];
  /** The client's tools; empty: none. */
  readonly tools: ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly parallelToolCalls?: boolean;
  readonly responseFormat?: ResponseFormat;
  /** `metadata.user_id`. */
  readonly userId?: string;
  readonly stream: boolean;
  /** What the request asked for that is not passed on, one line each (the `x-ossa-warning` header). */
  readonly ignored: string[];
}

/**
 * Reads a validated Messages body (or a `count_tokens` body, which has no `max_tokens`,
 * sampling or `stream`): the conversation (`fromAnthropicMessages`), `system`, `tools`,
 * `tool_choice`, `stop_sequences`, `output_format`, the sampling settings and
 * `metadata.user_id`, the top-level `cache_control` (a mark on the last block, as the API puts
 * it), `output_config.format` (as `output_format`). `thinking`, `context_management`,
 * `service_tier`, `speed`, `inference_geo`, `diagnostics`, `output_config.effort`,
 * `user_profile_id` and `workspace_id` are accepted and not passed on, each said in `ignored`;
 * `container` and `mcp_servers`, which need Anthropic's servers, are refused. Throws a 400 `HttpProblem` naming the field (`messages.1.content.0.id`).
 */
export function fromAnthropicMessagesRequest(body: AnthropicMessagesBody): MessagesRequest {
  try {
    for (const field of ['container', 'mcp_servers'] as const) {
      if (body[field] !== undefined && body[field] !== null) throw new InvalidFieldError([field], 'needs Anthropic\'s own servers (code execution, remote MCP), which do not run behind this gateway');
    }
    const conversation = fromAnthropicMessages(body.messages);
    // Top-level automatic caching: the mark goes on the last block, where the API would put it.
    const autoCache = fromAnthropicCacheControl(body.cache_control, ['cache_control']);
    if (autoCache !== undefined) markLastBlock(conversation, autoCache);
    const tools = body.tools ? fromAnthropicTools(body.tools) : [];
    const choice = fromAnthropicToolChoice(body.tool_choice, tools);
    const stop = body.stop_sequences;
    if (stop !== undefined) {
      if (stop.length > MAX_STOP_SEQUENCES) throw new InvalidFieldError(['stop_sequences'], `has ${stop.length} sequences; at most ${MAX_STOP_SEQUENCES} are allowed`);
      stop.forEach((sequence, index) => {
        if (sequence === '') throw new InvalidFieldError(['stop_sequences', index], 'must be a non-empty string');
      });
    }
    const request: Mutable<MessagesRequest> = { model: body.model, input: conversation.input, history: conversation.history, tools, stream: body.stream === true, ignored: [] };
    const system = fromAnthropicSystem(body.system);
    if (system !== undefined) request.system = system;
    if (body.max_tokens !== undefined) request.maxTokens = body.max_tokens;
    if (body.temperature !== undefined) request.temperature = body.temperature;
    if (body.top_p !== undefined) request.topP = body.top_p;
    if (body.top_k !== undefined) request.topK = body.top_k;
    if (stop !== undefined && stop.length > 0) request.stop = [...stop];
    if (tools.length > 0 && choice.choice !== undefined) request.toolChoice = choice.choice;
    if (tools.length > 0 && choice.parallelToolCalls !== undefined) request.parallelToolCalls = choice.parallelToolCalls;
    const format = fromAnthropicOutputFormat(body.output_format, ['output_format']) ?? fromAnthropicOutputFormat(body.output_config?.['format'], ['output_config', 'format']);
    if (format !== undefined) request.responseFormat = format;
    const effort = body.output_config?.['effort'];
    if (effort !== undefined && effort !== null) request.ignored.push('output_config.effort: not passed on');
    const userId = userIdOf(body.metadata);
    if (userId !== undefined) request.userId = userId;
    const thinking = body.thinking?.['type'];
    if (thinking !== undefined && thinking !== 'disabled') request.ignored.push('thinking: extended thinking is not passed on by this gateway; answered without it');
    if (conversation.droppedThinking > 0) request.ignored.push(`messages: ${conversation.droppedThinking} thinking block(s) of earlier turns not sent`);
    if (body.context_management !== undefined) request.ignored.push('context_management: not passed on; the conversation is sent as given');
    for (const field of ['service_tier', 'speed', 'inference_geo', 'diagnostics', 'user_profile_id', 'workspace_id'] as const) {
      if (body[field] !== undefined && body[field] !== null) request.ignored.push(`${field}: not passed on`);
    }
    return request;
  } catch (error) {
    throw error instanceof InvalidFieldError ? anthropicInvalidField(error) : error;
  }
}

/** Puts `mark` on the conversation's last block (the input, if it was taken out, goes back as a marked block). */
function markLastBlock(conversation: { input: string; history: ChatMessage[] }, mark: CacheControl): void {
  if (conversation.input !== '' || conversation.history.length === 0) {
    conversation.history.push({ role: 'user', content: [{ type: 'text', text: conversation.input, cacheControl: mark }] });
    conversation.input = '';
    return;
  }
  const last = conversation.history.length - 1;
  const message = conversation.history[last]!;
  if (message.role === 'assistant') {
    const calls = message.toolCalls;
    conversation.history[last] = calls !== undefined && calls.length > 0 ? { ...message, toolCalls: [...calls.slice(0, -1), { ...calls.at(-1)!, cacheControl: mark }] } : { ...message, cacheControl: mark };
  } else if (typeof message.content === 'string') {
    conversation.history[last] = message.role === 'user' ? { role: 'user', content: [{ type: 'text', text: message.content, cacheControl: mark }] } : { ...message, cacheControl: mark };
  } else if (message.role === 'tool') {
    conversation.history[last] = { ...message, cacheControl: mark };
  } else {
    conversation.history[last] = { ...message, content: [...message.content.slice(0, -1), { ...message.content.at(-1)!, cacheControl: mark }] };
  }
}

function userIdOf(metadata: AnthropicMessagesBody['metadata']): string | undefined {
  const id = metadata?.['user_id'];
  if (id === undefined || id === null) return undefined;
  if (typeof id !== 'string') throw new InvalidFieldError(['metadata', 'user_id'], 'must be a string');
  if (id.length > MAX_USER_ID_LENGTH) throw new InvalidFieldError(['metadata', 'user_id'], `is longer than ${MAX_USER_ID_LENGTH} characters`);
  return id === '' ? undefined : id;
}

/** An invalid field as the Anthropic surface answers it: a 400 whose message starts with the field's dotted path (`messages.2.content.0.type: ...`). */
export function anthropicInvalidField(error: InvalidFieldError): HttpProblem {
  const field = error.path.join('.');
  return new HttpProblem(400, 'invalid-request', 'Invalid request', `${field}: ${error.reason}`, { param: field });
}
