import type { AgentDefinition } from '../../agents/agent-definition.js';
import type { ChatMessage, ResponseFormat, ToolChoice, ToolDefinition } from '../../providers/provider.js';
import { HttpProblem } from '../problem.js';
import { checkManifestClash, checkToolChoice, checkToolSet } from '../tool-input/client-tools.js';
import { InvalidFieldError } from '../tool-input/invalid-field-error.js';
import { fromOpenAIMessages } from './from-openai-messages.js';
import { fromOpenAIResponseFormat, fromOpenAIStop, fromOpenAIToolChoice, fromOpenAITools } from './from-openai-tools.js';

/** A `POST /v1/chat/completions` body as validated by `chatCompletionBodySchema`. */
export interface OpenAIChatRequestBody {
  readonly model: string;
  readonly messages: readonly Record<string, unknown>[];
  readonly temperature?: number | null;
  readonly max_tokens?: number | null;
  readonly max_completion_tokens?: number | null;
  readonly stream?: boolean | null;
  readonly stream_options?: { readonly include_usage?: boolean | null } | null;
  readonly tools?: readonly unknown[] | null;
  readonly tool_choice?: unknown;
  readonly parallel_tool_calls?: boolean | null;
  readonly response_format?: unknown;
  readonly stop?: unknown;
  readonly [param: string]: unknown;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What the gateway runs for a chat request. */
export interface ChatRequest {
  /** The agent: the request's `model`. */
  readonly agent: string;
  readonly input: string;
  readonly history: ChatMessage[];
  /** The client's `system` and `developer` messages, added after the agent's system prompt. */
  readonly instructions?: string;
  /** Overrides, clamped to the manifest's limits by the executor. */
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** The client's tools; empty: none. */
  readonly tools: ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly parallelToolCalls?: boolean;
  readonly responseFormat?: ResponseFormat;
  readonly stop?: string[];
  /** `top_p` and the penalties: sent for a pass-through model, settled by the manifest for an agent. */
  readonly topP?: number;
  readonly frequencyPenalty?: number;
  readonly presencePenalty?: number;
  readonly stream: boolean;
  /** `stream_options.include_usage`: a last chunk with the usage and no choices. */
  readonly includeUsage: boolean;
}

/**
 * Parameters an agent cannot honour, refused with a 400 naming them rather than ignored, since
 * ignoring them would change what the client gets back (several choices, the deprecated
 * functions API, log probabilities, audio, web search). Each check is true when the value
 * asks for something; the neutral values (`n: 1`, `functions: []`, `function_call: "none"`,
 * ...) pass. Sampling hints an agent may ignore without changing the answer's shape (`top_p`,
 * penalties, `seed`, `logit_bias`, `user`, `metadata`, `store`, `service_tier`, ...) are
 * accepted and not passed on: the manifest sets the model (a pass-through model gets `top_p`
 * and the penalties as given).
 */
const UNSUPPORTED: readonly { readonly param: string; readonly asks: (value: unknown) => boolean; readonly why: string }[] = [
  { param: 'n', asks: (v) => typeof v === 'number' && v !== 1, why: 'an agent gives one answer per request; n must be 1' },
  { param: 'functions', asks: (v) => Array.isArray(v) && v.length > 0, why: 'the deprecated functions API is not supported: send tools instead' },
  { param: 'function_call', asks: (v) => v !== 'none' && v !== 'auto' && v !== null, why: 'the deprecated functions API is not supported: send tool_choice instead' },
  { param: 'logprobs', asks: (v) => v === true, why: 'log probabilities are not supported' },
  { param: 'top_logprobs', asks: (v) => typeof v === 'number' && v > 0, why: 'log probabilities are not supported' },
  { param: 'modalities', asks: (v) => Array.isArray(v) && v.some((m) => m !== 'text'), why: 'only text output is supported' },
  { param: 'audio', asks: (v) => v !== null, why: 'audio output is not supported' },
  { param: 'web_search_options', asks: (v) => v !== null, why: 'web search is not supported' },
];

/**
 * Reads a validated chat completions body: `model` names the agent; the messages become the
 * input, the conversation and the client's instructions (`fromOpenAIMessages`); `tools`,
 * `tool_choice`, `parallel_tool_calls` (passed on only with tools), `response_format` and
 * `stop` are checked and passed on; `temperature` and `max_completion_tokens` (else
 * `max_tokens`) override the manifest within its limits. Throws a 400 `HttpProblem` with
 * `param` naming the field at fault.
 */
export function fromOpenAIChatRequest(body: OpenAIChatRequestBody): ChatRequest {
  for (const { param, asks, why } of UNSUPPORTED) {
    if (body[param] !== undefined && asks(body[param])) throw new HttpProblem(400, 'invalid-request', 'Invalid request', `${param}: ${why}`, { param });
  }
  try {
    const conversation = fromOpenAIMessages(body.messages);
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const stream = body.stream === true;
    const tools = body.tools ? fromOpenAITools(body.tools) : [];
    checkToolSet(tools, ['tools'], toolNameAt);
    const toolChoice = fromOpenAIToolChoice(body.tool_choice);
    if (toolChoice !== undefined) checkToolChoice(toolChoice, tools, ['tool_choice'], ['tool_choice', 'function', 'name']);
    const responseFormat = fromOpenAIResponseFormat(body.response_format);
    const stop = fromOpenAIStop(body.stop);
    // Assigned field by field: spreading a literal per optional field cost ~2 µs a request.
    const chat: Mutable<ChatRequest> = { agent: body.model, input: conversation.input, history: conversation.history, tools, stream, includeUsage: stream && body.stream_options?.include_usage === true };
    if (conversation.instructions !== undefined) chat.instructions = conversation.instructions;
    if (body.temperature !== undefined && body.temperature !== null) chat.temperature = body.temperature;
    if (maxTokens !== undefined && maxTokens !== null) chat.maxTokens = maxTokens;
    if (tools.length > 0) {
      if (toolChoice !== undefined) chat.toolChoice = toolChoice;
      if (typeof body.parallel_tool_calls === 'boolean') chat.parallelToolCalls = body.parallel_tool_calls;
    }
    if (responseFormat !== undefined) chat.responseFormat = responseFormat;
    if (stop !== undefined) chat.stop = stop;
    if (typeof body.top_p === 'number') chat.topP = body.top_p;
    if (typeof body.frequency_penalty === 'number') chat.frequencyPenalty = body.frequency_penalty;
    if (typeof body.presence_penalty === 'number') chat.presencePenalty = body.presence_penalty;
    return chat;
  } catch (error) {
    throw error instanceof InvalidFieldError ? openAIInvalidField(error) : error;
  }
}

/**
 * The checks that need the agent (once the caller may know it exists): no client tool may
 * share a name with one the agent's manifest declares. Throws a 400 naming both.
 */
export function checkChatAgainstAgent(chat: ChatRequest, agent: AgentDefinition): void {
  try {
    checkManifestClash(chat.tools, agent, toolNameAt);
  } catch (error) {
    throw error instanceof InvalidFieldError ? openAIInvalidField(error) : error;
  }
}

/** An invalid field as the OpenAI surface answers it: a 400 whose `param` is the field. */
export function openAIInvalidField(error: InvalidFieldError): HttpProblem {
  const param = error.param();
  return new HttpProblem(400, 'invalid-request', 'Invalid request', `${param} ${error.reason}`, { param });
}

function toolNameAt(index: number): (string | number)[] {
  return ['tools', index, 'function', 'name'];
}
