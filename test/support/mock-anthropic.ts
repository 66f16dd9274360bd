import { exampleFromSchema } from '../../src/providers/echo/schema-example.js';
import { contentText, countWords, echoOf, offeredTool, requestedModel, requestMessages, splitArguments, splitDeltas } from './mock-echo.js';
import { isRecord, type ErrorOptions, type MockDialect, type MockToolCall, type RecordedRequest, type ReplyOptions } from './mock-upstream-server.js';

// The Anthropic Messages API as the real service sends it (anthropic-version 2023-06-01):
// JSON messages, `event:`/`data:` SSE streams, `{ type: 'error', error: { type, message } }`.

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const ERROR_MESSAGES: Readonly<Record<string, string>> = {
  authentication_error: 'invalid x-api-key',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit',
  overloaded_error: 'Overloaded',
};

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

interface AnthropicAnswer {
  readonly id: string;
  readonly text: string;
  readonly toolUses: readonly { readonly id: string; readonly name: string; readonly input: Record<string, unknown> }[];
  readonly usage: { readonly input: number; readonly output: number; readonly cacheRead?: number; readonly cacheWrite?: number } | false;
  readonly model: string;
  readonly stop: string;
  readonly stopSequence: string | null;
}

function answer(request: RecordedRequest, options: ReplyOptions): AnthropicAnswer {
  const derived = options.text === undefined && options.toolCalls === undefined ? defaultAnswer(request.body) : undefined;
  const text = options.text ?? derived?.text ?? '';
  const toolUses = (options.toolCalls ?? derived?.toolCalls ?? []).map((call, n) => ({
    id: call.id ?? `toolu_mock${request.serial}_${n}`,
    name: call.name,
    input: toInput(call.arguments),
  }));
  const system = isRecord(request.body) ? contentText(request.body.system) : '';
  const prompt = [system, ...requestMessages(request.body).map((message) => contentText(message.content))].join(' ');
  const output = countWords(text) + toolUses.reduce((sum, use) => sum + countWords(JSON.stringify(use.input)), 0);
  const usage = options.usage === undefined ? { input: countWords(prompt), output } : options.usage;
  const id = `msg_mock_${String(request.connection).padStart(4, '0')}`;
  const stop = options.finish ?? (options.stopSequence !== undefined ? 'stop_sequence' : toolUses.length > 0 ? 'tool_use' : 'end_turn');
  return { id, text, toolUses, usage, model: options.model ?? requestedModel(request.body), stop, stopSequence: options.stopSequence ?? null };
}

/** `tool_use.input` is an object: text must parse to one (a test that scripts otherwise is wrong). */
function toInput(value: MockToolCall['arguments']): Record<string, unknown> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : (value ?? {});
  if (!isRecord(parsed)) throw new TypeError('mock Anthropic: tool call arguments must be a JSON object');
  return parsed;
}

/**
 * What the mock answers when a test scripts no text or tool calls: the text of the tool
 * results when the last user turn carries them, a call of the forced tool, else the echo of
 * the last user message.
 */
function defaultAnswer(body: unknown): Pick<ReplyOptions, 'text' | 'toolCalls'> {
  const last = requestMessages(body).at(-1);
  const results = last?.role === 'user' && Array.isArray(last.content) ? last.content.filter((block) => isRecord(block) && block.type === 'tool_result') : [];
  if (results.length > 0) return { text: `echo: ${results.map((block) => contentText((block as Record<string, unknown>).content)).join(' ')}` };
  const request = isRecord(body) ? body : {};
  const choice = request.tool_choice;
  const forced = isRecord(choice) ? (choice.type === 'tool' && typeof choice.name === 'string' ? choice.name : choice.type === 'any' ? undefined : null) : null;
  if (forced !== null) {
    const tool = offeredTool(request.tools, forced, (entry) => ({ name: entry.name, schema: entry.input_schema }));
    if (tool) return { toolCalls: [{ name: tool.name, arguments: exampleFromSchema(tool.schema) as Record<string, unknown> }] };
  }
  return { text: echoOf(body) };
}

/** The Anthropic half of the mock upstreams. */
export const anthropicDialect: MockDialect = {
  path: '/v1/messages',
  basePath: '',

  replyJson(request, options) {
    const { id, text, toolUses, usage, model, stop, stopSequence } = answer(request, options);
    const content = [
      ...(text !== '' || toolUses.length === 0 ? [{ type: 'text', text }] : []),
      ...toolUses.map((use) => ({ type: 'tool_use', id: use.id, name: use.name, input: use.input })),
    ];
    return {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: stop,
      stop_sequence: stopSequence,
      ...(usage === false ? {} : { usage: wireUsage(usage, usage.output, true) }),
    };
  },

  replyFrames(request, options) {
    const { id, text, toolUses, usage, model, stop, stopSequence } = answer(request, options);
    const message = { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null };
    const withText = text !== '' || toolUses.length === 0;
    const head = [
      frame('message_start', { type: 'message_start', message: { ...message, ...(usage === false ? {} : { usage: wireUsage(usage, 1, false) }) } }),
      ...(withText ? [frame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })] : []),
      frame('ping', { type: 'ping' }),
    ];
    const textDeltas = splitDeltas(text).map((delta) => frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: delta } }));
    const textStop = withText ? frame('content_block_stop', { type: 'content_block_stop', index: 0 }) : '';
    // One delta entry per frame group, so truncation and pauses can fall inside a tool call.
    const toolDeltas = toolUses.flatMap((use, n) => {
      const index = n + (withText ? 1 : 0);
      const pieces = splitArguments(JSON.stringify(use.input));
      const entries = [
        (n === 0 ? textStop : '') +
          frame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: use.id, name: use.name, input: {} } }) +
          frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } }),
        ...pieces.map((piece) => frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } })),
      ];
      entries[entries.length - 1] += frame('content_block_stop', { type: 'content_block_stop', index });
      return entries;
    });
    return {
      head,
      deltas: [...textDeltas, ...toolDeltas],
      tail: [
        ...(toolUses.length === 0 ? [textStop] : []),
        frame('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: stop, stop_sequence: stopSequence },
          ...(usage === false ? {} : { usage: { output_tokens: usage.output } }),
        }),
        frame('message_stop', { type: 'message_stop' }),
      ],
    };
  },

  errorBody(request: RecordedRequest, options: ErrorOptions) {
    const type = options.type ?? ERROR_TYPES[options.status] ?? 'api_error';
    const message = typeof options.message === 'function' ? options.message(request) : (options.message ?? ERROR_MESSAGES[type] ?? 'Internal server error');
    return { type: 'error', error: { type, message }, request_id: 'req_mock' };
  },

  streamErrorFrame(type) {
    const errorType = type ?? 'overloaded_error';
    return frame('error', { type: 'error', error: { type: errorType, message: ERROR_MESSAGES[errorType] ?? 'Internal server error' } });
  },

  malformedFrame() {
    return 'event: message_start\ndata: {"type": "message_start", "message": {\n\n';
  },
};

/** `usage` as the API sends it; `output` is what the event reports (1 in `message_start`). */
function wireUsage(usage: Exclude<AnthropicAnswer['usage'], false>, output: number, withTier: boolean): Record<string, unknown> {
  return {
    input_tokens: usage.input,
    cache_creation_input_tokens: usage.cacheWrite ?? 0,
    cache_read_input_tokens: usage.cacheRead ?? 0,
    output_tokens: output,
    ...(withTier ? { service_tier: 'standard' } : {}),
  };
}
