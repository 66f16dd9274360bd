import type { AgentDefinition } from '../../agents/agent-definition.js';
import type { ChatMessage, ResponseFormat, ToolChoice, ToolDefinition } from '../../providers/provider.js';
import { openAIInvalidField } from '../openai/openai-chat-request.js';
import { HttpProblem } from '../problem.js';
import { checkManifestClash, checkToolChoice, checkToolSet } from '../tool-input/client-tools.js';
import { InvalidFieldError } from '../tool-input/invalid-field-error.js';
import { fromResponsesInput } from './from-responses-input.js';
import { fromResponsesTextFormat, fromResponsesToolChoice, fromResponsesTools } from './from-responses-tools.js';
import type { ResponsesEcho, ResponsesTextFormat, ResponsesToolChoice } from './responses-types.js';

/** A `POST /v1/responses` body as validated by `responsesBodySchema`. */
export interface ResponsesRequestBody {
  readonly model: string;
  readonly input: string | readonly unknown[];
  readonly instructions?: string | null;
  readonly tools?: readonly unknown[] | null;
  readonly tool_choice?: unknown;
  readonly parallel_tool_calls?: boolean | null;
  readonly text?: { readonly format?: unknown; readonly verbosity?: string | null } | null;
  readonly max_output_tokens?: number | null;
  readonly temperature?: number | null;
  readonly top_p?: number | null;
  readonly metadata?: Readonly<Record<string, string>> | null;
  readonly user?: string | null;
  readonly stream?: boolean | null;
  readonly [param: string]: unknown;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What the gateway runs for a Responses request. */
export interface ResponsesRequest {
  /** The agent: the request's `model`. */
  readonly agent: string;
  readonly input: string;
  readonly history: ChatMessage[];
  /** The request's `instructions` and the input's `system` / `developer` messages, added after the agent's system prompt. */
  readonly instructions?: string;
  /** Overrides, clamped to the manifest's limits by the executor. */
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** The client's tools; empty: none. */
  readonly tools: ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly parallelToolCalls?: boolean;
  readonly responseFormat?: ResponseFormat;
  /** `top_p`: sent for a pass-through model, settled by the manifest for an agent. */
  readonly topP?: number;
  readonly stream: boolean;
  /** The settings the response repeats. */
  readonly echo: ResponsesEcho;
}

/** Why a stateful parameter cannot be honoured yet. */
const NOT_STORED = 'this gateway stores no responses (the Responses API is served stateless): send the whole conversation as input items';

/**
 * Parameters that ask for what the gateway does not have, refused with a 400 naming them
 * rather than ignored: stored responses and conversations (`previous_response_id`, `store:
 * true`, `conversation`, `background`), OpenAI's stored prompts and server-side compaction, log
 * probabilities. Each check is true when the value asks for it; the neutral values (`store:
 * false`, `background: false`, `top_logprobs: 0`, `include: []`, nulls) pass. Hints an agent
 * may ignore without changing the answer's shape (`reasoning`, `truncation`, `service_tier`,
 * `prompt_cache_*`, `safety_identifier`, `max_tool_calls`, `text.verbosity`, `include` of the
 * items it never writes, ...) are accepted and not passed on: the manifest sets the model.
 */
const UNSUPPORTED: readonly { readonly param: string; readonly asks: (value: unknown) => boolean; readonly why: string }[] = [
  { param: 'previous_response_id', asks: (v) => v !== null && v !== '', why: NOT_STORED },
  { param: 'conversation', asks: (v) => v !== null, why: NOT_STORED },
  { param: 'store', asks: (v) => v === true, why: `${NOT_STORED}; leave store out or send false` },
  { param: 'background', asks: (v) => v === true, why: 'background responses need stored responses, which this gateway does not keep: stream the response instead' },
  { param: 'background_options', asks: (v) => v !== null, why: 'background responses need stored responses, which this gateway does not keep' },
  { param: 'prompt', asks: (v) => v !== null, why: "stored prompt templates live at OpenAI: send the prompt as instructions and input" },
  { param: 'context_management', asks: (v) => Array.isArray(v) && v.length > 0, why: "server-side compaction is OpenAI's; this gateway sends the input as given" },
  { param: 'top_logprobs', asks: (v) => typeof v === 'number' && v > 0, why: 'log probabilities are not supported' },
  { param: 'access_programs', asks: (v) => v !== null, why: "access programs are OpenAI's and are not supported" },
];

/**
 * Reads a validated Responses body: `model` names the agent; `input` (with `instructions`)
 * becomes the input, the conversation and the client's instructions (`fromResponsesInput`);
 * `tools`, `tool_choice`, `parallel_tool_calls` (passed on only with tools) and `text.format`
 * are checked and passed on; `temperature` and `max_output_tokens` override the manifest within
 * its limits (a pass-through model takes them and `top_p` as given); `metadata` and `user` are
 * repeated in the response. Throws a 400
 * `HttpProblem` with `param` naming the field at fault.
 */
export function fromResponsesRequest(body: ResponsesRequestBody): ResponsesRequest {
  for (const { param, asks, why } of UNSUPPORTED) {
    if (body[param] !== undefined && asks(body[param])) throw new HttpProblem(400, 'invalid-request', 'Invalid request', `${param}: ${why}`, { param });
  }
  const include = body['include'];
  if (Array.isArray(include)) {
    const logprobs = include.indexOf('message.output_text.logprobs');
    if (logprobs !== -1) throw new HttpProblem(400, 'invalid-request', 'Invalid request', `include[${logprobs}]: log probabilities are not supported`, { param: `include[${logprobs}]` });
  }
  try {
    const instructions = body.instructions ?? undefined;
    const conversation = fromResponsesInput(body.input, instructions);
    const tools = body.tools ? fromResponsesTools(body.tools) : [];
    checkToolSet(tools, ['tools'], toolNameAt);
    const toolChoice = fromResponsesToolChoice(body.tool_choice);
    if (toolChoice !== undefined) checkToolChoice(toolChoice, tools, ['tool_choice'], ['tool_choice', 'name']);
    const responseFormat = fromResponsesTextFormat(body.text?.format);
    const request: Mutable<ResponsesRequest> = {
      agent: body.model,
      input: conversation.input,
      history: conversation.history,
      tools,
      stream: body.stream === true,
      echo: echoOf(body, tools, toolChoice, responseFormat),
    };
    if (conversation.instructions !== undefined) request.instructions = conversation.instructions;
    if (body.temperature !== undefined && body.temperature !== null) request.temperature = body.temperature;
    if (body.max_output_tokens !== undefined && body.max_output_tokens !== null) request.maxTokens = body.max_output_tokens;
    if (tools.length > 0) {
      if (toolChoice !== undefined) request.toolChoice = toolChoice;
      if (typeof body.parallel_tool_calls === 'boolean') request.parallelToolCalls = body.parallel_tool_calls;
    }
    if (responseFormat !== undefined) request.responseFormat = responseFormat;
    if (typeof body.top_p === 'number') request.topP = body.top_p;
    return request;
  } catch (error) {
    throw error instanceof InvalidFieldError ? openAIInvalidField(error) : error;
  }
}

/** The checks that need the agent: no client tool may share a name with one its manifest declares. */
export function checkResponsesAgainstAgent(request: ResponsesRequest, agent: AgentDefinition): void {
  try {
    checkManifestClash(request.tools, agent, toolNameAt);
  } catch (error) {
    throw error instanceof InvalidFieldError ? openAIInvalidField(error) : error;
  }
}

/** The request's settings as the response repeats them (OpenAI's defaults where the client set none). */
function echoOf(body: ResponsesRequestBody, tools: readonly ToolDefinition[], choice: ToolChoice | undefined, format: ResponseFormat | undefined): ResponsesEcho {
  return {
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    temperature: body.temperature ?? null,
    text: { format: toResponsesTextFormat(format) },
    tool_choice: toResponsesToolChoice(choice),
    tools: tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description ?? null, parameters: tool.parameters, strict: tool.strict ?? null })),
    top_p: body.top_p ?? null,
    ...(typeof body.user === 'string' ? { user: body.user } : {}),
    metadata: body.metadata ?? {},
  };
}

function toResponsesToolChoice(choice: ToolChoice | undefined): ResponsesToolChoice {
  if (choice === undefined) return 'auto';
  return typeof choice === 'string' ? choice : { type: 'function', name: choice.name };
}

function toResponsesTextFormat(format: ResponseFormat | undefined): ResponsesTextFormat {
  if (format === undefined || format.type !== 'json_schema') return format ?? { type: 'text' };
  const { type, name, schema, description, strict } = format;
  return { type, name, schema, ...(description !== undefined ? { description } : {}), strict: strict ?? null };
}

function toolNameAt(index: number): (string | number)[] {
  return ['tools', index, 'name'];
}
