// The mock upstream's answers, built once at startup as Buffers so that answering costs a
// write and nothing else: the mock must never be what limits a benchmark.

/** The answer text; its first word marks the first token in time-to-first-token measurements. */
export const ANSWER_WORDS: readonly string[] = (
  'Thanks for waiting: your order A-1001 left our warehouse yesterday and should reach you within three ' +
  'business days. You will get a tracking link by email tonight; returns stay free for 30 days.'
).split(' ');

/** The first streamed token: a stream has "started" for a client once this arrives. */
export const FIRST_TOKEN = ANSWER_WORDS[0]!;

const MODEL_OPENAI = 'gpt-4o-mini';
const MODEL_ANTHROPIC = 'claude-sonnet-4-5';
const CREATED = 1_760_000_000;
const USAGE = { input: 96, output: ANSWER_WORDS.length };
const TEXT = ANSWER_WORDS.join(' ');

/** One prepared answer: a JSON body, or SSE frames to send one by one. */
export interface PreparedBodies {
  readonly json: Buffer;
  /** The frames before the first text delta (sent at once when the stream opens). */
  readonly streamHead: Buffer;
  /** One frame per text delta, each sent after the configured chunk delay. */
  readonly streamDeltas: readonly Buffer[];
  /** Finish reason, usage and the end marker. */
  readonly streamTail: Buffer;
}

/** Deltas of a stream: one word each (the first one alone), as models stream short tokens. */
function deltas(): string[] {
  return ANSWER_WORDS.map((word, index) => (index === 0 ? word : ` ${word}`));
}

const data = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
const event = (name: string, value: unknown): string => `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;

/** OpenAI Chat Completions: the JSON body and the stream with `include_usage`'s last chunk and `[DONE]`. */
export function openAIBodies(): PreparedBodies {
  const id = 'chatcmpl-bench0000000000000000000000';
  const chunk = (delta: Record<string, string>, finish: string | null): string =>
    data({ id, object: 'chat.completion.chunk', created: CREATED, model: MODEL_OPENAI, system_fingerprint: 'fp_bench', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  return {
    json: Buffer.from(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created: CREATED,
        model: MODEL_OPENAI,
        choices: [{ index: 0, message: { role: 'assistant', content: TEXT, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output },
        system_fingerprint: 'fp_bench',
      }),
    ),
    streamHead: Buffer.from(chunk({ role: 'assistant', content: '' }, null)),
    streamDeltas: deltas().map((text) => Buffer.from(chunk({ content: text }, null))),
    streamTail: Buffer.from(
      chunk({}, 'stop') +
        data({
          id,
          object: 'chat.completion.chunk',
          created: CREATED,
          model: MODEL_OPENAI,
          system_fingerprint: 'fp_bench',
          choices: [],
          usage: { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output },
        }) +
        'data: [DONE]\n\n',
    ),
  };
}

/** Anthropic Messages: the JSON body and the event stream from `message_start` to `message_stop`. */
export function anthropicBodies(): PreparedBodies {
  const id = 'msg_bench00000000000000000000';
  return {
    json: Buffer.from(
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model: MODEL_ANTHROPIC,
        content: [{ type: 'text', text: TEXT }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: USAGE.input, output_tokens: USAGE.output },
      }),
    ),
    streamHead: Buffer.from(
      event('message_start', {
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model: MODEL_ANTHROPIC, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: USAGE.input, output_tokens: 1 } },
      }) +
        event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
        event('ping', { type: 'ping' }),
    ),
    streamDeltas: deltas().map((text) => Buffer.from(event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }))),
    streamTail: Buffer.from(
      event('content_block_stop', { type: 'content_block_stop', index: 0 }) +
        event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: USAGE.output } }) +
        event('message_stop', { type: 'message_stop' }),
    ),
  };
}

/**
 * An OpenAI answer that calls `lookup_order` (the tool-loop scenario): what the mock sends to a
 * request that offers tools and carries no tool result yet.
 */
export function openAIToolCallBody(): Buffer {
  return Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-benchtool00000000000000000',
      object: 'chat.completion',
      created: CREATED,
      model: MODEL_OPENAI,
      choices: [{
        index: 0,
        message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_bench_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"A-1001"}' } }] },
        logprobs: null,
        finish_reason: 'tool_calls',
      }],
      usage: { prompt_tokens: USAGE.input, completion_tokens: 12, total_tokens: USAGE.input + 12 },
      system_fingerprint: 'fp_bench',
    }),
  );
}
