import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callToolsFirst } from '../support/tool-gateway.js';
import { MODEL_CLIENT_KEYS, MODELS, startModelsGateway, type ModelsGateway } from '../support/models-gateway.js';

type Body = Record<string, unknown> & { messages: Record<string, unknown>[] };

// The official @anthropic-ai/sdk against POST /v1/messages, for a pass-through model on an
// Anthropic upstream and one on an OpenAI upstream: plain, streamed, a tool round trip with two
// parallel calls (several tool_result blocks in one turn), countTokens, and the errors.
describe('the Anthropic SDK through /v1/messages', () => {
  let g: ModelsGateway;
  let client: Anthropic;

  beforeAll(async () => {
    g = await startModelsGateway();
    client = new Anthropic({ apiKey: MODEL_CLIENT_KEYS.all, baseURL: g.t.url, maxRetries: 0 });
  });
  afterAll(() => g.close());
  afterEach(() => g.reset());

  const weather: Anthropic.Tool = { name: 'get_weather', description: 'The weather in a city now', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
  const time: Anthropic.Tool = { name: 'get_time', description: 'The time in a zone now', input_schema: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] }, cache_control: { type: 'ephemeral' } };
  const system: Anthropic.TextBlockParam[] = [
    { type: 'text', text: 'You are a travel assistant.' },
    { type: 'text', text: 'The travel policy, long and cached.', cache_control: { type: 'ephemeral' } },
  ];

  for (const model of Object.values(MODELS)) {
    const wire = model === MODELS.anthropic ? 'Anthropic' : 'OpenAI';

    it(`messages.create answers a message (${wire} upstream), the system blocks and settings sent as given`, async () => {
      // `temperature` left this SDK's types (newer models refuse it); the API, and the gateway, still take it.
      const params = { model, max_tokens: 300, system, messages: [{ role: 'user', content: 'Hello there' }], temperature: 0.3, metadata: { user_id: 'end-user-7' } } as Anthropic.MessageCreateParamsNonStreaming;
      const message = await client.messages.create(params, { headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' } });
      expect(message).toMatchObject({ type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'echo: Hello there' }], stop_reason: 'end_turn', stop_sequence: null });
      expect(message.id).toMatch(/^msg_/);
      expect(message.usage.output_tokens).toBe(3);
      const upstream = g.upstreamOf(model);
      const sent = upstream.bodies[0] as Body;
      if (model === MODELS.anthropic) {
        expect(sent).toMatchObject({ system: [{ type: 'text', text: 'You are a travel assistant.' }, { type: 'text', text: 'The travel policy, long and cached.', cache_control: { type: 'ephemeral' } }], max_tokens: 300, temperature: 0.3, metadata: { user_id: 'end-user-7' } });
        expect(upstream.requests[0]!.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
      } else {
        expect(sent.messages[0]).toEqual({ role: 'system', content: 'You are a travel assistant.\n\nThe travel policy, long and cached.' });
        expect(sent).toMatchObject({ max_tokens: 300, temperature: 0.3 });
      }
    });

    it(`messages.stream sends Anthropic's event sequence (${wire} upstream)`, async () => {
      g.upstreamOf(model).script({ kind: 'reply', text: 'Sunny and warm', usage: { input: 40, output: 3, cacheRead: 30 } });
      const stream = client.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Weather?' }] });
      const types: string[] = [];
      let text = '';
      stream.on('text', (delta) => void (text += delta));
      for await (const event of stream) types.push(event.type);
      const final = await stream.finalMessage();
      expect(text).toBe('Sunny and warm');
      expect(types[0]).toBe('message_start');
      expect(types.slice(1, 2)).toEqual(['content_block_start']);
      expect(types.filter((type) => type === 'content_block_delta').length).toBeGreaterThan(1);
      expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
      // Anthropic's usage: input without the cached part, the cache read beside it. The mock
      // reports 40 input tokens: Anthropic's count excludes the 30 cached ones, OpenAI's includes them.
      const uncached = model === MODELS.anthropic ? 40 : 10;
      expect(final).toMatchObject({ content: [{ type: 'text', text: 'Sunny and warm' }], stop_reason: 'end_turn', usage: { input_tokens: uncached, cache_read_input_tokens: 30, output_tokens: 3 } });
    });

    for (const streamed of [false, true]) {
      it(`completes a tool round trip with two parallel calls, ids, names and inputs intact (${wire} upstream${streamed ? ', streamed' : ''})`, async () => {
        const upstream = g.upstreamOf(model);
        upstream.mode = callToolsFirst([{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_time', arguments: { zone: 'Europe/Paris' } }]);
        const question: Anthropic.MessageParam = { role: 'user', content: `Weather and time in Paris? (${streamed})` };
        const ask = (messages: Anthropic.MessageParam[]) =>
          streamed ? client.messages.stream({ model, max_tokens: 500, tools: [weather, time], messages }).finalMessage() : client.messages.create({ model, max_tokens: 500, tools: [weather, time], messages });
        const first = await ask([question]);
        expect(first.stop_reason).toBe('tool_use');
        const uses = first.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
        expect(uses.map((use) => [use.name, use.input])).toEqual([['get_weather', { city: 'Paris' }], ['get_time', { zone: 'Europe/Paris' }]]);
        expect(new Set(uses.map((use) => use.id)).size).toBe(2);

        const results: Anthropic.ToolResultBlockParam[] = [
          { type: 'tool_result', tool_use_id: uses[0]!.id, content: 'sunny in Paris' },
          { type: 'tool_result', tool_use_id: uses[1]!.id, content: [{ type: 'text', text: 'noon in Europe/Paris' }], cache_control: { type: 'ephemeral' } },
        ];
        const second = await ask([question, { role: 'assistant', content: first.content }, { role: 'user', content: results }]);
        expect(second.content).toEqual([{ type: 'text', text: 'echo: sunny in Paris noon in Europe/Paris' }]);
        expect(second.stop_reason).toBe('end_turn');

        const followUp = upstream.bodies[1] as Body;
        if (model === MODELS.anthropic) {
          // One user turn with both results, in order, the cache mark kept.
          expect(followUp.messages.slice(1)).toEqual([
            { role: 'assistant', content: [{ type: 'tool_use', id: uses[0]!.id, name: 'get_weather', input: { city: 'Paris' } }, { type: 'tool_use', id: uses[1]!.id, name: 'get_time', input: { zone: 'Europe/Paris' } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: uses[0]!.id, content: 'sunny in Paris' }, { type: 'tool_result', tool_use_id: uses[1]!.id, content: [{ type: 'text', text: 'noon in Europe/Paris' }], cache_control: { type: 'ephemeral' } }] },
          ]);
          expect((followUp['tools'] as Record<string, unknown>[])[1]).toMatchObject({ name: 'get_time', cache_control: { type: 'ephemeral' } });
        } else {
          // OpenAI's shape: the calls on the assistant message, one tool message per result.
          expect(followUp.messages.slice(1)).toEqual([
            { role: 'assistant', content: null, tool_calls: [{ id: uses[0]!.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }, { id: uses[1]!.id, type: 'function', function: { name: 'get_time', arguments: '{"zone":"Europe/Paris"}' } }] },
            { role: 'tool', tool_call_id: uses[0]!.id, content: 'sunny in Paris' },
            { role: 'tool', tool_call_id: uses[1]!.id, content: [{ type: 'text', text: 'noon in Europe/Paris' }] },
          ]);
        }
      });
    }
  }

  it('writes interleaved parallel calls of an OpenAI upstream as whole, ordered tool_use blocks', async () => {
    g.openai.script({ kind: 'reply', interleaveToolCalls: true, toolCalls: [{ id: 'call_a', name: 'get_weather', arguments: { city: 'Oslo' } }, { id: 'call_b', name: 'get_time', arguments: { zone: 'Europe/Oslo' } }] });
    const stream = client.messages.stream({ model: MODELS.openai, max_tokens: 100, tools: [weather, time], messages: [{ role: 'user', content: 'Oslo?' }] });
    const starts: number[] = [];
    for await (const event of stream) if (event.type === 'content_block_start') starts.push(event.index);
    const final = await stream.finalMessage();
    expect(starts).toEqual([0, 1]);
    expect(final.content).toEqual([
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_b', name: 'get_time', input: { zone: 'Europe/Oslo' } },
    ]);
  });

  it('counts tokens with an estimate, and knows only the models the client may use', async () => {
    const counted = await client.messages.countTokens({ model: MODELS.anthropic, system: 'Be brief.', tools: [weather], messages: [{ role: 'user', content: 'Hello, world' }] });
    // 'Be brief.' 9 + 'Hello, world' 12 + the tool's name, description and schema JSON, / 4; a message and a tool.
    const toolChars = 'get_weather'.length + (weather.description ?? '').length + JSON.stringify(weather.input_schema).length;
    expect(counted.input_tokens).toBe(Math.ceil((9 + 12 + toolChars) / 4) + 4 + 8);
    const raw = await g.t.post('/v1/messages/count_tokens', { model: 'nope', messages: [{ role: 'user', content: 'x' }] }, { 'x-api-key': MODEL_CLIENT_KEYS.all });
    expect(raw.status).toBe(404);
    expect(g.anthropic.requests).toHaveLength(0);
  });

  it('lists the models in Anthropic\'s shape, paginated', async () => {
    const page = await client.models.list({ limit: 2 });
    expect(page.data.map((model) => model.id)).toEqual(['support', MODELS.anthropic]);
    expect(page.data[0]).toMatchObject({ type: 'model', display_name: 'support' });
    const all: string[] = [];
    for await (const model of client.models.list({ limit: 2 })) all.push(model.id);
    expect(all).toEqual(['support', MODELS.anthropic, MODELS.openai]);
    expect((await client.models.retrieve(MODELS.openai)).id).toBe(MODELS.openai);
  });

  it('takes the newer SDK fields: top-level cache_control marks the last block, output_config.format shapes the answer', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const answer = await client.messages.create({ model: MODELS.anthropic, max_tokens: 100, cache_control: { type: 'ephemeral' }, output_config: { format: { type: 'json_schema', schema }, effort: 'low' }, messages: [{ role: 'user', content: 'Which city?' }] });
    const sent = g.anthropic.bodies[0] as Body;
    expect(sent.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Which city?', cache_control: { type: 'ephemeral' } }] }]);
    // Anthropic models answer a schema through a forced tool; the client gets the JSON as text.
    expect(sent['tool_choice']).toMatchObject({ type: 'tool' });
    expect(JSON.parse((answer.content[0] as Anthropic.TextBlock).text)).toEqual({ city: expect.any(String) });

    const raw = await g.t.post('/v1/messages', { model: MODELS.openai, max_tokens: 100, output_config: { format: { type: 'json_schema', schema } }, speed: 'fast', messages: [{ role: 'user', content: 'Which city?' }] }, { 'x-api-key': MODEL_CLIENT_KEYS.all });
    expect(raw.headers.get('x-ossa-warning')).toBe('speed: not passed on');
    expect((g.openai.bodies[0] as Body)['response_format']).toMatchObject({ type: 'json_schema', json_schema: { name: 'output', schema } });
  });

  it('runs an agent by its name: its role leads, the client system blocks follow', async () => {
    await client.messages.create({ model: 'support', max_tokens: 50, system, messages: [{ role: 'user', content: 'Hi' }] });
    expect((g.openai.bodies[0] as Body).messages[0]).toEqual({ role: 'system', content: 'You are the support test agent.\n\nYou are a travel assistant.\n\nThe travel policy, long and cached.' });
  });
});
