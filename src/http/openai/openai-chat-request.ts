import type { ChatMessage } from '../../providers/provider.js';
import type { ExecutionContext } from '../../executor/agent-response.js';
import { HttpProblem } from '../problem.js';
import { fromOpenAIMessages } from './from-openai-messages.js';

/** A `POST /v1/chat/completions` body as validated by `chatCompletionBodySchema`. */
export interface OpenAIChatRequestBody {
  readonly model: string;
  readonly messages: readonly Record<string, unknown>[];
  readonly temperature?: number | null;
  readonly max_tokens?: number | null;
  readonly max_completion_tokens?: number | null;
  readonly stream?: boolean | null;
  readonly stream_options?: { readonly include_usage?: boolean } | null;
  readonly [param: string]: unknown;
}

/** What the gateway runs for a chat request. */
export interface ChatRequest {
  /** The agent: the request's `model`. */
  readonly agent: string;
  readonly input: string;
  readonly history: ChatMessage[];
  /** `{ client_instructions }` when the client sent system or developer messages, else empty. */
  readonly context: ExecutionContext;
  /** Overrides, clamped to the manifest's limits by the executor. */
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly stream: boolean;
  /** `stream_options.include_usage`: a last chunk with the usage and no choices. */
  readonly includeUsage: boolean;
}

/** The context key under which a client's system messages reach the prompt, after the agent's own. */
export const CLIENT_INSTRUCTIONS_KEY = 'client_instructions';

/**
 * Parameters an agent cannot honour, refused with a 400 naming them rather than ignored, since
 * ignoring them would change what the client gets back (several choices, tool calls, JSON
 * mode, log probabilities, audio, stop sequences, web search). Each check is true when the
 * value asks for something; the neutral values (`n: 1`, `tools: []`, `tool_choice: "none"`,
 * `response_format: {type: "text"}`, ...) pass. Sampling hints an agent may ignore without
 * changing the answer's shape (`top_p`, penalties, `seed`, `logit_bias`, `user`, `metadata`,
 * `store`, `service_tier`, ...) are accepted and not passed on: the manifest sets the model.
 */
const UNSUPPORTED: readonly { readonly param: string; readonly asks: (value: unknown) => boolean; readonly why: string }[] = [
  { param: 'n', asks: (v) => typeof v === 'number' && v !== 1, why: 'an agent gives one answer per request; n must be 1' },
  { param: 'stop', asks: (v) => v !== null && !(Array.isArray(v) && v.length === 0), why: 'stop sequences are not supported: the agent manifest sets the model' },
  { param: 'tools', asks: (v) => Array.isArray(v) && v.length > 0, why: "client tools are not supported: an agent's tools come from its manifest" },
  { param: 'functions', asks: (v) => Array.isArray(v) && v.length > 0, why: "client functions are not supported: an agent's tools come from its manifest" },
  { param: 'tool_choice', asks: (v) => v !== 'none' && v !== 'auto' && v !== null, why: 'tool_choice can only be "none" or "auto": there are no client tools' },
  { param: 'function_call', asks: (v) => v !== 'none' && v !== 'auto' && v !== null, why: 'function_call can only be "none" or "auto": there are no client functions' },
  { param: 'response_format', asks: (v) => v !== null && (v as { type?: unknown }).type !== 'text', why: 'only response_format {"type": "text"} is supported' },
  { param: 'logprobs', asks: (v) => v === true, why: 'log probabilities are not supported' },
  { param: 'top_logprobs', asks: (v) => typeof v === 'number' && v > 0, why: 'log probabilities are not supported' },
  { param: 'modalities', asks: (v) => Array.isArray(v) && v.some((m) => m !== 'text'), why: 'only text output is supported' },
  { param: 'audio', asks: (v) => v !== null, why: 'audio output is not supported' },
  { param: 'web_search_options', asks: (v) => v !== null, why: 'web search is not supported' },
];

/**
 * Reads a validated chat completions body: `model` names the agent, the messages become the
 * input, the conversation and the client's instructions (`fromOpenAIMessages`),
 * `temperature` and `max_completion_tokens` (else `max_tokens`) override the manifest within
 * its limits. Throws a 400 `HttpProblem` with `param` for what an agent cannot do.
 */
export function fromOpenAIChatRequest(body: OpenAIChatRequestBody): ChatRequest {
  for (const { param, asks, why } of UNSUPPORTED) {
    if (body[param] !== undefined && asks(body[param])) throw new HttpProblem(400, 'invalid-request', 'Invalid request', `${param}: ${why}`, { param });
  }
  const conversation = fromOpenAIMessages(body.messages);
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  const stream = body.stream === true;
  return {
    agent: body.model,
    input: conversation.input,
    history: conversation.history,
    context: conversation.instructions === undefined ? {} : { [CLIENT_INSTRUCTIONS_KEY]: conversation.instructions },
    ...(body.temperature !== undefined && body.temperature !== null ? { temperature: body.temperature } : {}),
    ...(maxTokens !== undefined && maxTokens !== null ? { maxTokens } : {}),
    stream,
    includeUsage: stream && body.stream_options?.include_usage === true,
  };
}
