import { contentText, countWords, echoOf, requestedModel, requestMessages, splitDeltas } from './mock-echo.js';
import { isRecord, type ErrorOptions, type MockDialect, type RecordedRequest, type ReplyOptions } from './mock-upstream-server.js';

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

function answer(request: RecordedRequest, options: ReplyOptions) {
  const text = options.text ?? echoOf(request.body);
  const system = isRecord(request.body) ? contentText(request.body.system) : '';
  const prompt = [system, ...requestMessages(request.body).map((message) => contentText(message.content))].join(' ');
  const usage = options.usage === undefined ? { input: countWords(prompt), output: countWords(text) } : options.usage;
  const id = `msg_mock_${String(request.connection).padStart(4, '0')}`;
  return { id, text, usage, model: options.model ?? requestedModel(request.body), stop: options.finish ?? 'end_turn' };
}

/** The Anthropic half of the mock upstreams. */
export const anthropicDialect: MockDialect = {
  path: '/v1/messages',
  basePath: '',

  replyJson(request, options) {
    const { id, text, usage, model, stop } = answer(request, options);
    return {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text }],
      stop_reason: stop,
      stop_sequence: null,
      ...(usage === false
        ? {}
        : { usage: { input_tokens: usage.input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: usage.output, service_tier: 'standard' } }),
    };
  },

  replyFrames(request, options) {
    const { id, text, usage, model, stop } = answer(request, options);
    const message = { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null };
    return {
      head: [
        frame('message_start', {
          type: 'message_start',
          message: { ...message, ...(usage === false ? {} : { usage: { input_tokens: usage.input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 } }) },
        }),
        frame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
        frame('ping', { type: 'ping' }),
      ],
      deltas: splitDeltas(text).map((delta) =>
        frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: delta } }),
      ),
      tail: [
        frame('content_block_stop', { type: 'content_block_stop', index: 0 }),
        frame('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: stop, stop_sequence: null },
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
