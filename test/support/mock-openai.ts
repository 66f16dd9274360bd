import { contentText, countWords, echoOf, requestedModel, requestMessages, splitDeltas } from './mock-echo.js';
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

function answer(request: RecordedRequest, options: ReplyOptions) {
  const text = options.text ?? echoOf(request.body);
  const prompt = requestMessages(request.body).map((message) => contentText(message.content)).join(' ');
  const counts = options.usage === undefined ? { input: countWords(prompt), output: countWords(text) } : options.usage;
  const usage =
    counts === false
      ? undefined
      : {
          prompt_tokens: counts.input,
          completion_tokens: counts.output,
          total_tokens: counts.input + counts.output,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        };
  const id = `chatcmpl-mock${String(request.connection).padStart(4, '0')}`;
  return { id, text, usage, model: options.model ?? requestedModel(request.body), finish: options.finish ?? 'stop' };
}

/** The OpenAI half of the mock upstreams. */
export const openAIDialect: MockDialect = {
  path: '/v1/chat/completions',
  basePath: '/v1',

  replyJson(request, options) {
    const { id, text, usage, model, finish } = answer(request, options);
    return {
      id,
      object: 'chat.completion',
      created: CREATED,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, annotations: [] }, logprobs: null, finish_reason: finish }],
      ...(usage === undefined ? {} : { usage }),
      service_tier: 'default',
      system_fingerprint: 'fp_mock',
    };
  },

  replyFrames(request, options) {
    const { id, text, usage, model, finish } = answer(request, options);
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
    return {
      head: [chunk([choice({ role: 'assistant', content: '', refusal: null })])],
      deltas: splitDeltas(text).map((delta) => chunk([choice({ content: delta })])),
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
