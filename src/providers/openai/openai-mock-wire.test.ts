import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockOpenAI, type MockUpstream } from '../../../test/support/mock-upstreams.js';

// The official `openai` client (a devDependency, used only here) against the mock upstream:
// proof that the mock speaks the real Chat Completions wire format, so the adapter tests
// that run against it mean something.

describe('mock OpenAI upstream, read by the official openai client', () => {
  let mock: MockUpstream;
  let client: OpenAI;

  beforeEach(async () => {
    mock = await startMockOpenAI();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: mock.url, maxRetries: 0, timeout: 5_000 });
  });

  afterEach(async () => {
    await mock.close();
  });

  it('answers a completion the SDK parses', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello mock' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe('echo: hello mock');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    expect(mock.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams chunks the SDK parses, ending with a usage-only chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello mock' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('echo: hello mock');
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3 });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('answers errors the SDK maps to its typed errors', async () => {
    mock.fail({ status: 429, retryAfter: '1' });
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
  });

  it('sends a mid-stream error the SDK raises', async () => {
    mock.script({ kind: 'stream-error', afterDeltas: 1 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
    const drained = (async () => {
      for await (const chunk of stream) void chunk;
    })();
    await expect(drained).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  const weather = { type: 'object', properties: { city: { type: 'string' }, units: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city', 'units'] };
  const tools = [
    { type: 'function' as const, function: { name: 'get_weather', description: 'Weather in a city', parameters: weather } },
    { type: 'function' as const, function: { name: 'get_time', description: 'Time in a zone', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } } },
  ];
  const parallel = {
    kind: 'reply' as const,
    toolCalls: [
      { name: 'get_weather', arguments: { city: 'Paris', units: 'celsius' } },
      { id: 'call_own_id', name: 'get_time', arguments: '{"zone":"Europe/Paris"}' },
    ],
  };

  it('answers two parallel tool calls the SDK parses, content null', async () => {
    mock.script(parallel);
    const completion = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'weather and time in Paris' }], tools });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      { id: 'call_mock1_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","units":"celsius"}' } },
      { id: 'call_own_id', type: 'function', function: { name: 'get_time', arguments: '{"zone":"Europe/Paris"}' } },
    ]);
  });

  it.each([false, true])('streams parallel tool calls the SDK reassembles (interleaved: %s)', async (interleaveToolCalls) => {
    mock.script({ ...parallel, interleaveToolCalls });
    const stream = client.chat.completions.stream({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'weather and time' }], tools, stream_options: { include_usage: true } });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls?.map((call) => call.type === 'function' && [call.id, call.function.name, call.function.arguments])).toEqual([
      ['call_mock1_0', 'get_weather', '{"city":"Paris","units":"celsius"}'],
      ['call_own_id', 'get_time', '{"zone":"Europe/Paris"}'],
    ]);
  });

  it('plays a runTools round trip: tool calls, then the default answer to the results, recording both bodies', async () => {
    mock.script(parallel);
    const runner = client.chat.completions.runTools({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'weather and time in Paris' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: weather, function: (args: string) => `weather ${args}` } },
        { type: 'function', function: { name: 'get_time', description: 'Time', parameters: { type: 'object', properties: {} }, function: () => '12:00' } },
      ],
    });
    expect(await runner.finalContent()).toBe('echo: weather {"city":"Paris","units":"celsius"} 12:00');
    expect(mock.bodies).toHaveLength(2);
    expect((mock.bodies[1] as { messages: unknown[] }).messages.slice(1)).toEqual([
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'call_mock1_0' }), expect.objectContaining({ id: 'call_own_id' })] }),
      { role: 'tool', tool_call_id: 'call_mock1_0', content: 'weather {"city":"Paris","units":"celsius"}' },
      { role: 'tool', tool_call_id: 'call_own_id', content: '12:00' },
    ]);
  });

  it('calls a forced tool with arguments from its schema, and answers a json_schema format with a value of it', async () => {
    const forced = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    expect(forced.choices[0]?.message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather', arguments: '{"city":"echo","units":"celsius"}' } });
    const required = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools, tool_choice: 'required' });
    expect(required.choices[0]?.message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather' } });
    const structured = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'event', schema: { type: 'object', properties: { name: { type: 'string' }, when: { type: 'string', format: 'date' } }, required: ['name', 'when'] } } },
    });
    expect(JSON.parse(structured.choices[0]!.message.content!)).toEqual({ name: 'echo', when: '1970-01-01' });
  });

  it('answers by a function of the request, and reports cached prompt tokens', async () => {
    mock.mode = (request) => ({ kind: 'reply', text: `seen ${(request.body as { messages: unknown[] }).messages.length}`, usage: { input: 100, output: 2, cacheRead: 64 } });
    const completion = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }] });
    expect(completion.choices[0]?.message.content).toBe('seen 3');
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(64);
    expect(mock.requests[0]?.behaviour).toBe('reply');
  });
});
