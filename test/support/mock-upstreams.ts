/**
 * Mock Anthropic and OpenAI upstreams for tests: real HTTP on 127.0.0.1 (port 0), speaking
 * the real wire formats, JSON and SSE, errors in each vendor's real error shape.
 *
 * API (both mocks are the same `MockUpstream`):
 *   const mock = await startMockAnthropic();   // or startMockOpenAI()
 *   mock.url            base URL to configure an adapter with (OpenAI's ends in `/v1`)
 *   mock.port
 *   mock.requests       every request received: { method, path, headers, body (parsed JSON),
 *                       connection (socket serial: equal = keep-alive reuse), serial (1, 2, ...
 *                       per request since start or reset), behaviour,
 *                       aborted (the client closed before the mock finished answering),
 *                       finished (the mock wrote its whole answer), paused (held, see below) }
 *   mock.bodies         the parsed bodies of mock.requests: what went upstream
 *   mock.mode = {...}   standing behaviour for requests with nothing scripted
 *   mock.script(b1, b2) the next requests get these behaviours, in order; then `mode` again
 *                       (mode and script entries may be functions `(request) => behaviour`,
 *                       to answer by what the request carries)
 *   mock.fail({ status: 500, times: 3, retryAfter: '2' })  shorthand: script `times` errors
 *   mock.until(() => mock.requests[0]?.aborted === true)   resolves when the predicate holds
 *   mock.resume()       lets answers held by `pauseAfterDeltas` go on
 *   mock.openSockets    sockets open right now
 *   mock.reset()        forget requests (serials restart) and script, mode back to { kind: 'reply' }
 *   await mock.close()  destroys every open socket, stops listening
 *
 * Behaviours (`MockBehaviour`; every kind takes `delayMs`, a pause before anything is sent):
 *   { kind: 'reply', text?, toolCalls?, interleaveToolCalls?, model?, finish?, stopSequence?,
 *     usage?: {input, output, cacheRead?, cacheWrite?} | false, chunkDelayMs?, pauseAfterDeltas? }
 *       the default: JSON or SSE (when the body says `stream: true`) in the vendor's exact
 *       shape. With nothing scripted the answer follows the request:
 *         - the last turn carries tool results (OpenAI `role: tool` messages, Anthropic
 *           `tool_result` blocks): `echo: <their text, joined by spaces>`
 *         - a tool is forced (OpenAI `tool_choice` {type: function} or `required`, Anthropic
 *           {type: tool} or `any`; the latter two: the first tool): one call of it, arguments
 *           generated from its JSON Schema (src/providers/echo/schema-example.ts)
 *         - OpenAI `response_format` json_schema: a JSON text of a value of the schema
 *           (json_object: `{"echo": "<last user message>"}`)
 *         - else `echo: <last user message>`
 *       usage = words of the prompt / of the answer.
 *       `toolCalls: [{ id?, name, arguments?: JSON text | object }, ...]` answers with those
 *       calls (after `text`, if given): OpenAI `message.tool_calls` / `delta.tool_calls` by
 *       index (id and name in a call's first delta, arguments in three pieces; call after call,
 *       or round-robin with `interleaveToolCalls`), Anthropic `tool_use` blocks /
 *       `input_json_delta`; finish `tool_calls` / `tool_use`. Default ids `call_mock<serial>_<n>` /
 *       `toolu_mock<serial>_<n>`.
 *       `pauseAfterDeltas: N` sends a stream's start and N deltas (text or tool-call), then
 *       holds the rest until `mock.resume()` (the request is `paused` meanwhile)
 *   { kind: 'error', status, type?, code?, message?: string | (req) => string, retryAfter?, retryAfterMs?, headers? }
 *       that status with the vendor's error body (types default per status: 429
 *       rate_limit_error, 529 overloaded_error, ...)
 *   { kind: 'hang' }                       never answers
 *   { kind: 'reset' }                      destroys the socket on arrival
 *   { kind: 'malformed' }                  200 with a body that is not JSON (or an SSE event that is not)
 *   { kind: 'truncate', afterDeltas?: 2, graceful? }  the stream's start and N text deltas, then
 *       the socket is destroyed (graceful: the response ends cleanly) with no terminal event;
 *       for JSON, half the promised body
 *   { kind: 'stream-error', afterDeltas?: 1, type?: 'overloaded_error' }  N deltas, then an error
 *       event (OpenAI: a `data: {"error": ...}` chunk); for JSON requests, a 500
 *   { kind: 'raw', status, headers?, body }  exactly these bytes
 *
 * @example
 * const mock = await startMockAnthropic();
 * mock.fail({ status: 529, times: 2 });            // two overloaded answers, then echoes
 * mock.script({ kind: 'reply', text: 'hi', chunkDelayMs: 20 });
 * mock.mode = { kind: 'hang' };                    // everything after hangs
 * await mock.close();
 *
 * @example A tool round trip: two parallel calls, then the default answer to their results
 * const openai = await startMockOpenAI();
 * openai.script({ kind: 'reply', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_time', arguments: { zone: 'CET' } }] });
 * // request 1 -> tool_calls [call_mock1_0 get_weather, call_mock1_1 get_time]
 * // request 2 (with the two role: tool messages) -> 'echo: <result 1> <result 2>'
 * openai.bodies[1];                                // what the follow-up sent upstream
 * openai.mode = (request) => ({ kind: 'reply', text: JSON.stringify(request.body) }); // by request
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { anthropicDialect } from './mock-anthropic.js';
import { openAIDialect } from './mock-openai.js';
import { MockUpstreamServer, type ErrorOptions, type MockAnswer, type MockBehaviour, type MockDialect } from './mock-upstream-server.js';

export type { ErrorOptions, MockAnswer, MockBehaviour, MockToolCall, RecordedRequest, ReplyOptions } from './mock-upstream-server.js';

/** A running mock upstream; see the top of this file. */
export class MockUpstream extends MockUpstreamServer {
  /** Queues behaviours (or functions of the request) for the next requests, in order. */
  override script(...behaviours: MockAnswer[]): this {
    super.script(...behaviours);
    return this;
  }

  /** Queues `times` (default 1) error answers of `status`, in the vendor's error shape. */
  fail(options: ErrorOptions & { readonly times?: number; readonly delayMs?: number }): this {
    const { times = 1, ...error } = options;
    return this.script(...Array.from({ length: times }, (): MockBehaviour => ({ kind: 'error', ...error })));
  }
}

async function start(dialect: MockDialect): Promise<MockUpstream> {
  const mock = new MockUpstream(dialect);
  await mock.listen();
  return mock;
}

/** A mock Anthropic Messages API (`POST /v1/messages`); `url` is the adapter's `baseUrl`. */
export function startMockAnthropic(): Promise<MockUpstream> {
  return start(anthropicDialect);
}

/** A mock OpenAI Chat Completions API (`POST /v1/chat/completions`); `url` ends in `/v1`. */
export function startMockOpenAI(): Promise<MockUpstream> {
  return start(openAIDialect);
}

/**
 * A mock Anthropic and a mock OpenAI upstream for the tests of one `describe`: listening
 * before its `beforeAll` hooks that come later, reset after each test, closed at the end.
 * Call it first in the `describe`; `url` and `port` are set once the hooks have run.
 *
 * @example
 * describe('...', () => {
 *   const { anthropic, openai } = useMockUpstreams();
 *   beforeAll(async () => { t = await startTestGateway({ ossa: { providers: { claude: { base_url: anthropic.url, ... } } } }); });
 * });
 */
export function useMockUpstreams(): { readonly anthropic: MockUpstream; readonly openai: MockUpstream } {
  const anthropic = new MockUpstream(anthropicDialect);
  const openai = new MockUpstream(openAIDialect);
  beforeAll(async () => {
    await Promise.all([anthropic.listen(), openai.listen()]);
  });
  afterEach(() => {
    anthropic.reset();
    openai.reset();
  });
  afterAll(async () => {
    await Promise.all([anthropic.close(), openai.close()]);
  });
  return { anthropic, openai };
}
