import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readJson, type JsonBody } from '../support/gateway-harness.js';
import { postForEvents } from '../support/sse-client.js';
import { callToolsFirst, startToolGateway, TOOL_AGENTS, type ToolGateway } from '../support/tool-gateway.js';

// Tool calls over raw HTTP, both surfaces, both wire formats: parallel calls in a stream, the
// native round trip, the cache, and the 400s. One gateway, two mock upstreams.
const WEATHER = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const TIME = { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } };
const NATIVE_WEATHER = { name: 'get_weather', description: 'Weather now', parameters: WEATHER.function.parameters };
const PARALLEL = [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_time', arguments: { zone: 'Asia/Tokyo' } }];

describe('tool calls through the gateway, over raw HTTP', () => {
  let g: ToolGateway;
  beforeAll(async () => {
    g = await startToolGateway();
  });
  afterAll(() => g.close());
  afterEach(async () => {
    g.openai.reset();
    g.anthropic.reset();
    await g.t.gateway.cache!.clearAll();
  });

  const chatStream = (agent: string, extra: Record<string, unknown> = {}) =>
    postForEvents(`${g.t.url}/v1/chat/completions`, { model: agent, messages: [{ role: 'user', content: 'Weather in Paris, time in Tokyo?' }], tools: [WEATHER, TIME], stream: true, ...extra });

  for (const [wire, agent] of Object.entries(TOOL_AGENTS)) {
    it(`keeps two parallel tool calls apart in an OpenAI stream, with distinct index, id and name (${wire} upstream)`, async () => {
      g.upstreamOf(agent).script({ kind: 'reply', toolCalls: PARALLEL, interleaveToolCalls: true });
      const events = await (await chatStream(agent)).rest();
      expect(events.at(-1)!.data).toBe('[DONE]');
      const chunks: JsonBody[] = events.slice(0, -1).map((e) => e.json);
      const deltas = chunks.flatMap((c) => c.choices.flatMap((choice: JsonBody) => choice.delta.tool_calls ?? []));
      const firsts = deltas.filter((d: JsonBody) => d.id !== undefined);
      expect(firsts).toEqual([
        { index: 0, id: expect.any(String), type: 'function', function: { name: 'get_weather', arguments: '' } },
        { index: 1, id: expect.any(String), type: 'function', function: { name: 'get_time', arguments: '' } },
      ]);
      expect(firsts[0].id).not.toBe(firsts[1].id);
      const argsOf = (index: number) => deltas.filter((d: JsonBody) => d.index === index).map((d: JsonBody) => d.function.arguments).join('');
      expect(JSON.parse(argsOf(0))).toEqual({ city: 'Paris' });
      expect(JSON.parse(argsOf(1))).toEqual({ zone: 'Asia/Tokyo' });
      expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
    });

    it(`sends each parallel call whole as an event: tool_call frame, and all of them in done (${wire} upstream)`, async () => {
      g.upstreamOf(agent).script({ kind: 'reply', toolCalls: PARALLEL, interleaveToolCalls: true });
      const events = await (await postForEvents(`${g.t.url}/v1/agents/${agent}/execute`, { input: 'Weather in Paris, time in Tokyo?', tools: [NATIVE_WEATHER, { name: 'get_time' }], stream: true })).rest();
      expect(events.map((e) => e.event)).toEqual(['start', 'tool_call', 'tool_call', 'done']);
      const frames = events.filter((e) => e.event === 'tool_call').map((e) => e.json).sort((a: JsonBody, b: JsonBody) => a.index - b.index);
      expect(frames.map((f: JsonBody) => [f.index, f.name, JSON.parse(f.arguments)])).toEqual([[0, 'get_weather', { city: 'Paris' }], [1, 'get_time', { zone: 'Asia/Tokyo' }]]);
      const done = events.at(-1)!.json;
      expect(done).toMatchObject({ finish_reason: 'tool_calls', tool_calls: frames.map(({ index: _index, ...call }: JsonBody) => call) });
    });

    it(`completes the native round trip: ask, get a tool call, send the result, get the answer (${wire} upstream)`, async () => {
      g.upstreamOf(agent).mode = callToolsFirst([{ name: 'get_weather', arguments: { city: 'Paris' } }]);
      const ask = await g.t.post(`/v1/agents/${agent}/execute`, { input: 'Weather in Paris?', tools: [NATIVE_WEATHER] });
      expect(ask.status).toBe(200);
      const first = await readJson(ask);
      expect(first).toMatchObject({ output: '', finish_reason: 'tool_calls', tool_calls: [{ id: expect.any(String), name: 'get_weather', arguments: expect.any(String) }] });
      expect(JSON.parse(first.tool_calls[0].arguments)).toEqual({ city: 'Paris' });

      const answer = await g.t.post(`/v1/agents/${agent}/execute`, {
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', tool_calls: first.tool_calls },
          { role: 'tool', tool_call_id: first.tool_calls[0].id, content: '18°C and sunny' },
        ],
        tools: [NATIVE_WEATHER],
      });
      expect(answer.status).toBe(200);
      expect(await readJson(answer)).toMatchObject({ output: 'echo: 18°C and sunny', finish_reason: 'stop' });
      expect(JSON.stringify(g.upstreamOf(agent).requests[1]!.body)).toContain(first.tool_calls[0].id);
    });
  }

  it('completes the round trip offline with the echo provider: a forced tool is called with arguments of its schema, its result answered', async () => {
    const ask = await readJson(await g.t.post('/v1/agents/tools-echo/execute', { input: 'Weather in Paris?', tools: [NATIVE_WEATHER], tool_choice: 'required' }));
    expect(ask).toMatchObject({ provider: 'echo', finish_reason: 'tool_calls', tool_calls: [{ id: expect.any(String), name: 'get_weather' }] });
    expect(typeof JSON.parse(ask.tool_calls[0].arguments).city).toBe('string');
    const answer = await readJson(
      await g.t.post('/v1/agents/tools-echo/execute', {
        messages: [{ role: 'user', content: 'Weather in Paris?' }, { role: 'assistant', tool_calls: ask.tool_calls }, { role: 'tool', tool_call_id: ask.tool_calls[0].id, content: '18°C' }],
        tools: [NATIVE_WEATHER],
      }),
    );
    expect(answer).toMatchObject({ provider: 'echo', finish_reason: 'stop', output: expect.stringContaining('18°C') });
  });

  it('replays a tool-call answer from the cache only for the very same request, never for a different tool result; no-cache refreshes', async () => {
    const agent = TOOL_AGENTS.openai;
    g.openai.mode = callToolsFirst([{ name: 'get_weather', arguments: { city: 'Paris' } }]);
    const ask = () => g.t.post('/v1/chat/completions', { model: agent, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [WEATHER] });
    const first = await ask();
    const firstBody = await readJson(first);
    const call = firstBody.choices[0].message.tool_calls[0];
    expect(first.headers.get('x-cache')).toBe('MISS');
    const again = await ask();
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect((await readJson(again)).choices[0].message).toEqual(firstBody.choices[0].message);
    // Streamed, the cached calls come back as tool-call chunks.
    const replay = await (await postForEvents(`${g.t.url}/v1/chat/completions`, { model: agent, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [WEATHER], stream: true })).rest();
    expect(replay.slice(0, -1).flatMap((e) => e.json.choices[0]?.delta.tool_calls ?? [])[0]).toMatchObject({ index: 0, id: call.id, function: { name: 'get_weather' } });
    // Another tool offered, another key.
    expect((await g.t.post('/v1/chat/completions', { model: agent, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [WEATHER, TIME] })).headers.get('x-cache')).toBe('MISS');

    const withResult = (result: string) =>
      g.t.post('/v1/chat/completions', {
        model: agent,
        messages: [{ role: 'user', content: 'Weather in Paris?' }, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: result }],
        tools: [WEATHER],
      });
    const sunny = await withResult('sunny');
    expect((await readJson(sunny)).choices[0].message.content).toBe('echo: sunny');
    const rainy = await withResult('rainy');
    expect(rainy.headers.get('x-cache')).toBe('MISS');
    expect((await readJson(rainy)).choices[0].message.content).toBe('echo: rainy');
    expect((await withResult('sunny')).headers.get('x-cache')).toBe('HIT');
    const upstreamCalls = g.openai.requests.length;

    // Cache-Control: no-cache asks the upstream again and refreshes the entry; no-store neither reads nor writes.
    const regenerate = await g.t.post('/v1/chat/completions', { model: agent, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [WEATHER] }, { 'cache-control': 'no-cache' });
    expect(regenerate.headers.get('x-cache')).toBe('MISS');
    expect(g.openai.requests).toHaveLength(upstreamCalls + 1);
    const noStore = await g.t.post(`/v1/agents/${agent}/execute`, { input: 'Weather in Paris?' }, { 'cache-control': 'no-store' });
    expect(noStore.headers.get('x-cache')).toBe('BYPASS');
    expect((await g.t.post(`/v1/agents/${agent}/execute`, { input: 'Weather in Paris?' })).headers.get('x-cache')).toBe('MISS');
    expect((await g.t.post(`/v1/agents/${agent}/execute`, { input: 'Weather in Paris?' }, { 'cache-control': 'no-cache' })).headers.get('x-cache')).toBe('MISS');
  });

  it('answers bad tool input with a 400 naming the field, on each endpoint in its own shape, before any upstream call', async () => {
    const agent = TOOL_AGENTS.anthropic;
    const user = [{ role: 'user', content: 'hi' }];
    const openAICases: [Record<string, unknown>, string][] = [
      [{ tools: [{ type: 'function', function: { description: 'no name' } }] }, 'tools[0].function.name'],
      [{ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'strin' } } } } }] }, 'tools[0].function.parameters'],
      [{ messages: [...user, { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'call_2', content: 'r' }] }, 'messages[2].tool_call_id'],
      [{ response_format: { type: 'json_schema', json_schema: { name: 'answer' } } }, 'response_format.json_schema.schema'],
      [{ tools: [{ type: 'function', function: { name: 'lookup_order' } }] }, 'tools[0].function.name'],
    ];
    for (const [extra, param] of openAICases) {
      const res = await g.t.post('/v1/chat/completions', { model: agent, messages: user, ...extra });
      expect(res.status, param).toBe(400);
      expect(await readJson(res)).toEqual({ error: { message: expect.stringContaining(param), type: 'invalid_request_error', param, code: null } });
    }
    const nativeCases: [Record<string, unknown>, string][] = [
      [{ input: 'hi', tools: [{ description: 'no name' }] }, 'body.tools.0.name'],
      [{ input: 'hi', tools: [{ name: 'f', parameters: { type: 'object', required: 'a' } }] }, 'body.tools.0.parameters'],
      [{ messages: [...user, { role: 'assistant', tool_calls: [{ id: 'call_1', name: 'f', arguments: '{}' }] }, { role: 'tool', tool_call_id: 'call_2', content: 'r' }] }, 'body.messages.2.tool_call_id'],
      [{ input: 'hi', response_format: { type: 'json_schema', name: 'answer' } }, 'body.response_format.schema'],
      [{ input: 'hi', tools: [{ name: 'lookup_order' }] }, 'body.tools.0.name'],
    ];
    for (const [body, field] of nativeCases) {
      const res = await g.t.post(`/v1/agents/${agent}/execute`, body);
      expect(res.status, field).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await readJson(res)).toMatchObject({ type: 'urn:ossa-gateway:problem:invalid-request', errors: [{ field }] });
    }
    const clash = await readJson(await g.t.post(`/v1/agents/${agent}/execute`, { input: 'hi', tools: [{ name: 'lookup_order' }] }));
    expect(clash.detail).toContain(`agent "${agent}" declares in its manifest`);
    expect(g.anthropic.requests).toHaveLength(0);
  });
});
