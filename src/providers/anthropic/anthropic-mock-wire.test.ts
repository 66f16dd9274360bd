import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockAnthropic, type MockUpstream } from '../../../test/support/mock-upstreams.js';

// The official `@anthropic-ai/sdk` client (a devDependency, used only in tests) against the
// mock upstream: proof that the mock speaks the real Messages API wire format, tool use and
// its streamed `input_json_delta`s included, so the adapter tests that run against it mean
// something.

const weather = {
  type: 'object' as const,
  properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['location', 'unit'],
};
const tools = [
  { name: 'get_weather', description: 'Get the current weather in a given location', input_schema: weather },
  { name: 'get_time', description: 'Get the current time in a given time zone', input_schema: { type: 'object' as const, properties: { timezone: { type: 'string' } }, required: ['timezone'] } },
];
const parallel = {
  kind: 'reply' as const,
  text: "I'll check both.",
  toolCalls: [
    { name: 'get_weather', arguments: { location: 'San Francisco, CA', unit: 'celsius' } },
    { id: 'toolu_own_id', name: 'get_time', arguments: '{"timezone":"America/Los_Angeles"}' },
  ],
};

describe('mock Anthropic upstream, read by the official @anthropic-ai/sdk client', () => {
  let mock: MockUpstream;
  let client: Anthropic;

  beforeEach(async () => {
    mock = await startMockAnthropic();
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: mock.url, maxRetries: 0, timeout: 5_000 });
  });

  afterEach(async () => {
    await mock.close();
  });

  it('answers a message the SDK parses', async () => {
    const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hello mock' }] });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn', content: [{ type: 'text', text: 'echo: hello mock' }] });
    expect(mock.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages', body: { model: 'claude-sonnet-4-5', max_tokens: 64 } });
  });

  it('answers text and two parallel tool_use blocks, stop_reason tool_use', async () => {
    mock.script(parallel);
    const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, tools, messages: [{ role: 'user', content: 'weather and time in SF' }] });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'text', text: "I'll check both." },
      { type: 'tool_use', id: 'toolu_mock1_0', name: 'get_weather', input: { location: 'San Francisco, CA', unit: 'celsius' } },
      { type: 'tool_use', id: 'toolu_own_id', name: 'get_time', input: { timezone: 'America/Los_Angeles' } },
    ]);
  });

  it('streams tool_use blocks whose input_json_delta pieces the SDK reassembles', async () => {
    mock.script({ ...parallel, usage: { input: 40, output: 12, cacheRead: 30, cacheWrite: 5 } });
    const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 256, tools, messages: [{ role: 'user', content: 'weather and time' }] });
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const message = await stream.finalMessage();
    expect(message.content.map((block) => (block.type === 'tool_use' ? [block.id, block.name, block.input] : block.type === 'text' ? block.text : block.type))).toEqual([
      "I'll check both.",
      ['toolu_mock1_0', 'get_weather', { location: 'San Francisco, CA', unit: 'celsius' }],
      ['toolu_own_id', 'get_time', { timezone: 'America/Los_Angeles' }],
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 40, output_tokens: 12, cache_read_input_tokens: 30, cache_creation_input_tokens: 5 });
    expect(events.filter((type) => type === 'content_block_start')).toHaveLength(3);
  });

  it('answers a follow-up carrying tool_result blocks with their text, recording what was sent', async () => {
    mock.script(parallel);
    const first = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, tools, messages: [{ role: 'user', content: 'weather and time' }] });
    const uses = first.content.filter((block) => block.type === 'tool_use');
    const followUp = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      tools,
      messages: [
        { role: 'user', content: 'weather and time' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: uses[0]!.id, content: '15 degrees' },
            { type: 'tool_result', tool_use_id: uses[1]!.id, content: [{ type: 'text', text: '09:41' }], is_error: false },
          ],
        },
      ],
    });
    expect(followUp.content).toEqual([{ type: 'text', text: 'echo: 15 degrees 09:41' }]);
    expect((mock.bodies[1] as { messages: { content: unknown }[] }).messages[2]?.content).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_mock1_0', content: '15 degrees' },
      { type: 'tool_result', tool_use_id: 'toolu_own_id', content: [{ type: 'text', text: '09:41' }], is_error: false },
    ]);
  });

  it('calls a forced tool (tool_choice tool or any) with input generated from its schema', async () => {
    const forced = await client.messages.create({ model: 'm', max_tokens: 64, tools, tool_choice: { type: 'tool', name: 'get_weather' }, messages: [{ role: 'user', content: 'x' }] });
    expect(forced.content).toEqual([{ type: 'tool_use', id: 'toolu_mock1_0', name: 'get_weather', input: { location: 'echo', unit: 'celsius' } }]);
    const any = await client.messages.create({ model: 'm', max_tokens: 64, tools, tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'x' }] });
    expect(any.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather' });
  });

  it('reports the stop sequence that ended an answer', async () => {
    mock.script({ kind: 'reply', text: 'one two', stopSequence: '\n\nHuman:' });
    const message = await client.messages.create({ model: 'm', max_tokens: 64, stop_sequences: ['\n\nHuman:'], messages: [{ role: 'user', content: 'x' }] });
    expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '\n\nHuman:' });
  });

  it('answers errors the SDK maps to its typed errors, and a mid-stream error it raises', async () => {
    mock.fail({ status: 429, retryAfter: '1' });
    const error = await client.messages.create({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error).toMatchObject({ status: 429, error: { type: 'error', error: { type: 'rate_limit_error' } } });

    mock.script({ kind: 'stream-error', afterDeltas: 1 });
    const stream = client.messages.stream({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'x y z' }] });
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIError);
  });
});
