import type { AgentDefinition } from '../../agents/agent-definition.js';
import type { CacheMode, ExecutionContext } from '../../executor/agent-response.js';
import type { ChatMessage, ContentPart, ResponseFormat, ToolChoice, ToolDefinition } from '../../providers/provider.js';
import { HttpProblem } from '../problem.js';
import { checkManifestClash, checkToolChoice, checkToolSet, responseSchema, toolName, toolParameters } from '../tool-input/client-tools.js';
import { InvalidFieldError, type FieldPath } from '../tool-input/invalid-field-error.js';
import { ToolResultLedger } from '../tool-input/tool-result-ledger.js';

/** The most stop sequences one request may set. */
const MAX_STOP_SEQUENCES = 4;

/** A content part of a native message (see `executeBodySchema`). */
export interface NativeContentPart {
  readonly type: 'text' | 'image';
  readonly text?: string;
  readonly url?: string;
  readonly media_type?: string;
  readonly data?: string;
  readonly detail?: 'auto' | 'low' | 'high';
}

/** One turn of a native `messages` history. */
export interface NativeMessage {
  readonly role: 'user' | 'assistant' | 'tool';
  readonly content?: string | readonly NativeContentPart[];
  readonly tool_calls?: readonly { readonly id: string; readonly name: string; readonly arguments: string }[];
  readonly tool_call_id?: string;
  readonly is_error?: boolean;
}

/** A `POST /v1/agents/{name}/execute` body as validated by `executeBodySchema`. */
export interface ExecuteBody {
  readonly input?: string;
  readonly messages?: readonly NativeMessage[];
  readonly instructions?: string;
  readonly context?: ExecutionContext;
  readonly tools?: readonly { readonly name: string; readonly description?: string; readonly parameters?: Record<string, unknown>; readonly strict?: boolean }[];
  readonly tool_choice?: string | Record<string, unknown>;
  readonly parallel_tool_calls?: boolean;
  readonly response_format?: { readonly type: 'text' | 'json_object' | 'json_schema'; readonly name?: string; readonly schema?: Record<string, unknown>; readonly strict?: boolean; readonly description?: string };
  readonly stop?: readonly string[];
  readonly cache?: CacheMode;
  readonly stream?: boolean;
}

/** What the executor is asked for one native request. */
export interface ExecuteRequest {
  readonly input: string;
  readonly context: ExecutionContext;
  readonly history?: ChatMessage[];
  readonly instructions?: string;
  readonly tools?: ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly parallelToolCalls?: boolean;
  readonly responseFormat?: ResponseFormat;
  readonly stop?: readonly string[];
}

const EMPTY_CONTEXT: ExecutionContext = Object.freeze({});

/**
 * Reads a validated execute body. `input` alone is the classic request (nothing else is
 * allocated for it). `messages` is the conversation before `input`, or with no `input` the
 * whole of it, ending with the user's message or with tool results; each `tool` message must
 * answer a call of the assistant message before it. `tools` need a name (letters, digits,
 * `_`, `-`) and parameters that are a JSON Schema of an object; `tool_choice` is `auto`,
 * `none`, `required` or `{"name"}`; a `json_schema` response format needs its `name` and
 * `schema`. Throws a 400 problem whose `errors[0].field` names the field (`body.messages.2.tool_call_id`).
 */
export function fromExecuteBody(body: ExecuteBody): ExecuteRequest {
  const context = body.context ?? EMPTY_CONTEXT;
  if (body.messages === undefined && body.tools === undefined && body.instructions === undefined && body.tool_choice === undefined && body.response_format === undefined && body.stop === undefined) {
    if (body.input === undefined) throw nativeInvalidField(new InvalidFieldError(['input'], 'is required (or messages): what the agent answers'));
    return { input: body.input, context };
  }
  try {
    const input = body.input ?? '';
    const history = body.messages ? fromNativeMessages(body.messages, input !== '') : undefined;
    if (input === '' && history === undefined && body.input === undefined) throw new InvalidFieldError(['input'], 'is required (or messages): what the agent answers');
    const tools = body.tools ? fromNativeTools(body.tools) : [];
    const toolChoice = fromNativeToolChoice(body.tool_choice);
    if (toolChoice !== undefined) checkToolChoice(toolChoice, tools, ['tool_choice'], ['tool_choice', 'name']);
    const responseFormat = fromNativeResponseFormat(body.response_format);
    if (body.stop && body.stop.length > MAX_STOP_SEQUENCES) throw new InvalidFieldError(['stop'], `has ${body.stop.length} sequences; at most ${MAX_STOP_SEQUENCES} are allowed`);
    return {
      input,
      context,
      ...(history !== undefined && history.length > 0 ? { history } : {}),
      ...(body.instructions !== undefined && body.instructions !== '' ? { instructions: body.instructions } : {}),
      ...(tools.length > 0 ? { tools } : {}),
      ...(toolChoice !== undefined && tools.length > 0 ? { toolChoice } : {}),
      ...(body.parallel_tool_calls !== undefined && tools.length > 0 ? { parallelToolCalls: body.parallel_tool_calls } : {}),
      ...(responseFormat !== undefined ? { responseFormat } : {}),
      ...(body.stop !== undefined && body.stop.length > 0 ? { stop: body.stop } : {}),
    };
  } catch (error) {
    throw error instanceof InvalidFieldError ? nativeInvalidField(error) : error;
  }
}

/** The checks that need the agent: no client tool may share a name with one its manifest declares. */
export function checkExecuteAgainstAgent(request: ExecuteRequest, agent: AgentDefinition): void {
  if (!request.tools) return;
  try {
    checkManifestClash(request.tools, agent, (index) => ['tools', index, 'name']);
  } catch (error) {
    throw error instanceof InvalidFieldError ? nativeInvalidField(error) : error;
  }
}

/** An invalid field as the native API answers it: a 400 problem with `errors: [{field, message}]`, like a schema violation. */
export function nativeInvalidField(error: InvalidFieldError): HttpProblem {
  const field = error.field();
  const message = `${field} ${error.reason}`;
  return new HttpProblem(400, 'invalid-request', 'Invalid request', message, { errors: [{ field, message }] });
}

function fromNativeMessages(messages: readonly NativeMessage[], inputFollows: boolean): ChatMessage[] {
  const ledger = new ToolResultLedger();
  const turns = messages.map((message, index): ChatMessage => {
    const at: FieldPath = ['messages', index];
    const misplaced = (key: string): never => {
      throw new InvalidFieldError([...at, key], `is not a field of a ${message.role} message`);
    };
    switch (message.role) {
      case 'user':
        if (message.tool_calls !== undefined) misplaced('tool_calls');
        if (message.tool_call_id !== undefined) misplaced('tool_call_id');
        if (message.is_error !== undefined) misplaced('is_error');
        if (message.content === undefined) throw new InvalidFieldError([...at, 'content'], 'is required');
        ledger.user();
        return { role: 'user', content: typeof message.content === 'string' ? message.content : userParts(message.content, at) };
      case 'assistant': {
        if (message.tool_call_id !== undefined) misplaced('tool_call_id');
        if (message.is_error !== undefined) misplaced('is_error');
        const calls = message.tool_calls !== undefined && message.tool_calls.length > 0 ? message.tool_calls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args })) : undefined;
        if (message.content === undefined && !calls) throw new InvalidFieldError([...at, 'content'], 'is required: an assistant message needs text content or tool calls');
        ledger.assistant(calls, at);
        const content = message.content === undefined ? '' : textOnly(message.content, at);
        return calls ? { role: 'assistant', content, toolCalls: calls } : { role: 'assistant', content };
      }
      case 'tool': {
        if (message.tool_calls !== undefined) misplaced('tool_calls');
        if (message.tool_call_id === undefined || message.tool_call_id === '') throw new InvalidFieldError([...at, 'tool_call_id'], 'is required: a tool message names the tool call it answers');
        if (message.content === undefined) throw new InvalidFieldError([...at, 'content'], 'is required: the tool\'s result');
        ledger.result(message.tool_call_id, [...at, 'tool_call_id']);
        return {
          role: 'tool',
          toolCallId: message.tool_call_id,
          content: textOnly(message.content, at),
          ...(message.is_error === true ? { isError: true } : {}),
        };
      }
      default: {
        const role: never = message.role;
        throw new InvalidFieldError([...at, 'role'], `is ${JSON.stringify(role)}`);
      }
    }
  });
  const last = turns.at(-1);
  if (!inputFollows && last?.role === 'assistant') throw new InvalidFieldError(['messages'], "must end with the user's message or with tool results when there is no input: it is what the agent answers");
  if (inputFollows) ledger.user();
  else ledger.end();
  return turns;
}

function userParts(parts: readonly NativeContentPart[], at: FieldPath): ContentPart[] {
  return parts.map((part, index): ContentPart => {
    const where = [...at, 'content', index];
    if (part.type === 'text') {
      if (part.text === undefined) throw new InvalidFieldError([...where, 'text'], 'is required');
      return { type: 'text', text: part.text };
    }
    const detail = part.detail !== undefined ? { detail: part.detail } : {};
    if (part.url !== undefined) {
      if (!/^https?:\/\//i.test(part.url)) throw new InvalidFieldError([...where, 'url'], 'must be an http(s) URL (send other images as media_type and base64 data)');
      return { type: 'image', source: { kind: 'url', url: part.url }, ...detail };
    }
    if (part.media_type === undefined || part.data === undefined) throw new InvalidFieldError(where, 'needs a url, or a media_type and base64 data');
    if (!/^image\/[a-z0-9.+-]+$/i.test(part.media_type)) throw new InvalidFieldError([...where, 'media_type'], `must be an image type such as "image/png"; got ${JSON.stringify(part.media_type)}`);
    return { type: 'image', source: { kind: 'base64', mediaType: part.media_type.toLowerCase(), data: part.data }, ...detail };
  });
}

/** Assistant and tool content: a string, or text parts joined by line breaks. */
function textOnly(content: string | readonly NativeContentPart[], at: FieldPath): string {
  if (typeof content === 'string') return content;
  return content
    .map((part, index) => {
      if (part.type !== 'text') throw new InvalidFieldError([...at, 'content', index, 'type'], 'must be "text": only user messages carry images');
      if (part.text === undefined) throw new InvalidFieldError([...at, 'content', index, 'text'], 'is required');
      return part.text;
    })
    .join('\n');
}

function fromNativeTools(tools: NonNullable<ExecuteBody['tools']>): ToolDefinition[] {
  const definitions = tools.map((tool, index) => {
    const at = ['tools', index];
    const name = toolName(tool.name, [...at, 'name']);
    const parameters = toolParameters(tool.parameters, [...at, 'parameters']);
    return {
      name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      parameters,
      ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
    };
  });
  checkToolSet(definitions, ['tools'], (index) => ['tools', index, 'name']);
  return definitions;
}

function fromNativeToolChoice(choice: ExecuteBody['tool_choice']): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (typeof choice === 'string') throw new InvalidFieldError(['tool_choice'], `must be "auto", "none", "required" or {"name": "<tool>"}; got ${JSON.stringify(choice)}`);
  const name = choice['name'];
  if (typeof name !== 'string' || name === '') throw new InvalidFieldError(['tool_choice', 'name'], 'is required: the tool the model must call');
  const extra = Object.keys(choice).find((key) => key !== 'name');
  if (extra !== undefined) throw new InvalidFieldError(['tool_choice', extra], 'is not a field of a tool choice (only "name")');
  return { name };
}

function fromNativeResponseFormat(format: ExecuteBody['response_format']): ResponseFormat | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const at = ['response_format'];
  if (format.name === undefined || !/^[a-zA-Z0-9_-]{1,64}$/.test(format.name)) throw new InvalidFieldError([...at, 'name'], 'is required: 1 to 64 letters, digits, "_" or "-"');
  const schema = responseSchema(format.schema, [...at, 'schema']);
  return {
    type: 'json_schema', name: format.name, schema,
    ...(format.strict !== undefined ? { strict: format.strict } : {}),
    ...(format.description !== undefined ? { description: format.description } : {}),
  };
}
