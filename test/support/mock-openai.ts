import { exampleFromSchema } from '../../src/providers/echo/schema-example.js';
import { argumentsJson, contentText, countWords, echoOf, offeredTool, requestedModel, requestMessages, splitArguments, splitDeltas } from './mock-echo.js';
import { isRecord, type ErrorOptions, type MockDialect, type RecordedRequest, type ReplyOptions } from './mock-upstream-server.js';

// OpenAI Chat Completions as the real service sends it: `chat.completion` JSON,
// `data: {chat.completion.chunk}` SSE ending in a usage-only chunk (when
// `stream_options.include_usage` is set) and `data: [DONE]`, `{ error: { message, type, param, code } }`.

const ERRORS: Readonly<Record<number, { type: string; code: string | null; message: string }>> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later' },
};

const CREATED = 1_735_689_600;

function data(chunk: unknown): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

interface OpenAIAnswer {
  readonly id: string;
  readonly text: string;
  readonly toolCalls: readonly { readonly id: string; readonly name: string; readonly arguments: string }[];
  readonly usage: Record<string, unknown> | undefined;
  readonly model: string;
  readonly finish: string;
}

function answer(request: RecordedRequest, options: ReplyOptions): OpenAIAnswer {
  const derived = options.text === undefined && options.toolCalls === undefined ? defaultAnswer(request.body) : undefined;
  const text = options.text ?? derived?.text ?? '';
  const toolCalls = (options.toolCalls ?? derived?.toolCalls ?? []).map((call, n) => ({
    id: call.id ?? `call_mock${request.serial}_${n}`,
    name: call.name,
    arguments: argumentsJson(call.arguments),
  }));
  const prompt = requestMessages(request.body).map((message) => contentText(message.content)).join(' ');
  const output = countWords(text) + toolCalls.reduce((sum, call) => sum + countWords(call.arguments), 0);
  const counts = options.usage === undefined ? { input: countWords(prompt), output } : options.usage;
  const usage =
    counts === false
      ? undefined
      : {
          prompt_tokens: counts.input,
          completion_tokens: counts.output,
          total_tokens: counts.input + counts.output,
          prompt_tokens_details: { cached_tokens: counts.cacheRead ?? 0, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        };
  const id = `chatcmpl-mock${String(request.connection).padStart(4, '0')}`;
  const finish = options.finish ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
  return { id, text, toolCalls, usage, model: options.model ?? requestedModel(request.body), finish };
}

/**
 * What the mock answers when a test scripts no text or tool calls: the tool results' text
 * when the conversation ends with them, a call of the forced tool, a JSON value of the
 * requested schema, else the echo of the last user message.
 */
function defaultAnswer(body: unknown): Pick<ReplyOptions, 'text' | 'toolCalls'> {
  const messages = requestMessages(body);
  const results: string[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]!.role === 'tool'; i -= 1) results.unshift(contentText(messages[i]!.content));
  if (results.length > 0) return { text: `echo: ${results.join(' ')}` };
  const request = isRecord(body) ? body : {};
  const choice = request.tool_choice;
  const forced = choice === 'required' ? undefined : isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string' ? choice.function.name : null;
  if (forced !== null) {
    const tool = offeredTool(request.tools, forced, (entry) => ({ name: isRecord(entry.function) ? entry.function.name : undefined, schema: isRecord(entry.function) ? entry.function.parameters : undefined }));
    if (tool) return { toolCalls: [{ name: tool.name, arguments: JSON.stringify(exampleFromSchema(tool.schema)) }] };
  }
  const format = request.response_format;
  if (isRecord(format) && format.type === 'json_schema' && isRecord(format.json_schema) && isRecord(format.json_schema.schema)) {
    return { text: JSON.stringify(exampleFromSchema(format.json_schema.schema)) };
  }
  if (isRecord(format) && format.type === 'json_object') return { text: JSON.stringify({ echo: echoOf(body).slice('echo: '.length) }) };
  return { text: echoOf(body) };
}

/** The OpenAI half of the mock upstreams. */
export const openAIDialect: MockDialect = {
  path: '/v1/chat/completions',
  basePath: '/v1',

  replyJson(request, options) {
    const { id, text, toolCalls, usage, model, finish } = answer(request, options);
    const message =
      toolCalls.length === 0
        ? { role: 'assistant', content: text, refusal: null, annotations: [] }
        : {
            role: 'assistant',
            // OpenAI sends null content when the model only called tools.
            content: text === '' ? null : text,
            tool_calls: toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
            refusal: null,
            annotations: [],
          };
    return {
      id,
      object: 'chat.completion',
      created: CREATED,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
      ...(usage === undefined ? {} : { usage }),
      service_tier: 'default',
      system_fingerprint: 'fp_mock',
    };
  },

  replyFrames(request, options) {
    const { id, text, toolCalls, usage, model, finish } = answer(request, options);
    const body = request.body;
    const wantsUsage = isRecord(body) && isRecord(body.stream_options) && body.stream_options.include_usage === true && usage !== undefined;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
      data({
        id,
        object: 'chat.completion.chunk',
        created: CREATED,
        model,
        service_tier: 'default',
        system_fingerprint: 'fp_mock',
        choices,
        ...(wantsUsage ? { usage: null } : {}),
        ...extra,
      });
    const choice = (delta: unknown, finishReason: string | null = null) => ({ index: 0, delta, logprobs: null, finish_reason: finishReason });
    const textOnly = toolCalls.length === 0;
    // A tool-only answer opens with its first tool call (role and null content in the same delta), as OpenAI streams it.
    const head = textOnly || text !== '' ? [chunk([choice({ role: 'assistant', content: '', refusal: null })])] : [];
    const textDeltas = splitDeltas(text).map((delta) => chunk([choice({ content: delta })]));
    const callDeltas = toolCallDeltas(toolCalls, options.interleaveToolCalls === true).map((delta, n) =>
      chunk([choice(n === 0 && head.length === 0 ? { role: 'assistant', content: null, tool_calls: [delta], refusal: null } : { tool_calls: [delta] })]),
    );
    return {
      head,
      deltas: [...textDeltas, ...callDeltas],
      tail: [chunk([choice({}, finish)]), ...(wantsUsage ? [chunk([], { usage })] : []), 'data: [DONE]\n\n'],
    };
  },

  errorBody(request: RecordedRequest, options: ErrorOptions) {
    const known = ERRORS[options.status] ?? ERRORS[500] ?? { type: 'server_error', code: null, message: 'error' };
    const message = typeof options.message === 'function' ? options.message(request) : (options.message ?? known.message);
    return { error: { message, type: options.type ?? known.type, param: null, code: options.code === undefined ? known.code : options.code } };
  },

  streamErrorFrame(type) {
    return data({ error: { message: 'The server had an error while processing your request.', type: type ?? 'server_error', param: null, code: null } });
  },

  malformedFrame() {
    return 'data: {"id": "chatcmpl-broken", "choices": [\n\n';
  },
};

/**
 * The `delta.tool_calls[]` entries of a stream: each call's first delta carries its index,
 * id, type and name with empty arguments, the next ones pieces of its arguments; call after
 * call as OpenAI sends them, or round-robin across the calls with `interleave`.
 */
function toolCallDeltas(calls: OpenAIAnswer['toolCalls'], interleave: boolean): unknown[] {
  const perCall = calls.map((call, index) => [
    { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
    ...splitArguments(call.arguments).map((piece) => ({ index, function: { arguments: piece } })),
  ]);
  if (!interleave) return perCall.flat();
  const deltas: unknown[] = [];
  for (let step = 0; perCall.some((entries) => step < entries.length); step += 1) {
    for (const entries of perCall) if (step < entries.length) deltas.push(entries[step]);
  }
  return deltas;
}
