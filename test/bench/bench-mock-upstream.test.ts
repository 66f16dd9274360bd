import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANSWER_WORDS, FIRST_TOKEN } from '../../bench/mock/mock-bodies.js';
import { MOCK_CONTROL, MockUpstream } from '../../bench/mock/mock-upstream.js';
import { AnthropicProvider } from '../../src/providers/anthropic/anthropic-provider.js';
import { OpenAIProvider } from '../../src/providers/openai/openai-provider.js';
import { collectStream, modelCall } from '../support/model-call.js';

// The benchmark's mock upstream must speak the real wire formats: the gateway's own adapters
// and the official openai client read its answers, JSON and streamed, as they read the vendors'.

const TEXT = ANSWER_WORDS.join(' ');

describe('the benchmark mock upstream', () => {
  let mock: MockUpstream;
  let origin: string;

  beforeEach(async () => {
    mock = new MockUpstream({ delayMs: 0, chunkDelayMs: 0 });
    origin = `http://127.0.0.1:${await mock.listen(0)}`;
  });

  afterEach(async () => {
    await mock.close();
  });

  it('calls lookup_order when it is offered, and answers with text once its result is in (the tool-loop scenario)', async () => {
    const provider = new OpenAIProvider({ name: 'upstream', type: 'openai', apiKey: 'sk-bench', baseUrl: `${origin}/v1`, timeoutMs: 5_000 });
    try {
      const tools = [{ name: 'lookup_order', parameters: { type: 'object' } }];
      const first = await provider.complete(modelCall({ model: 'gpt-4o-mini', tools }), AbortSignal.timeout(5_000));
      expect(first).toMatchObject({ text: '', finishReason: 'tool_calls', toolCalls: [{ id: 'call_bench_1', name: 'lookup_order', arguments: '{"order_id":"A-1001"}' }] });
      const messages = [...modelCall().messages, { role: 'assistant' as const, content: '', toolCalls: first.toolCalls! }, { role: 'tool' as const, toolCallId: 'call_bench_1', content: 'shipped' }];
      const second = await provider.complete(modelCall({ model: 'gpt-4o-mini', tools, messages }), AbortSignal.timeout(5_000));
      expect(second).toMatchObject({ text: TEXT, finishReason: 'stop' });
    } finally {
      await provider.close();
    }
  });

  it('answers Chat Completions, JSON and streamed, as the OpenAI adapter reads them', async () => {
    const provider = new OpenAIProvider({ name: 'upstream', type: 'openai', apiKey: 'sk-bench', baseUrl: `${origin}/v1`, timeoutMs: 5_000 });
    try {
      const result = await provider.complete(modelCall({ model: 'gpt-4o-mini' }), AbortSignal.timeout(5_000));
      expect(result).toMatchObject({ text: TEXT, finishReason: 'stop', usage: { inputTokens: 96, outputTokens: ANSWER_WORDS.length } });

      const parts = await collectStream(provider.stream(modelCall({ model: 'gpt-4o-mini' }), AbortSignal.timeout(5_000)));
      const texts = parts.flatMap((part) => (part.type === 'text' ? [part.text] : []));
      expect(texts.join('')).toBe(TEXT);
      expect(texts[0]).toBe(FIRST_TOKEN);
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 96, outputTokens: ANSWER_WORDS.length } });
    } finally {
      await provider.close();
    }
    expect(mock.stats).toEqual({ openai: 2, anthropic: 0, streams: 1, total: 2 });
  });

  it('answers Messages, JSON and streamed, as the Anthropic adapter reads them', async () => {
    const provider = new AnthropicProvider({ name: 'anthropic', apiKey: 'sk-ant-bench', baseUrl: origin, timeoutMs: 5_000 });
    try {
      const result = await provider.complete(modelCall(), AbortSignal.timeout(5_000));
      expect(result).toMatchObject({ text: TEXT, finishReason: 'stop', usage: { inputTokens: 96, outputTokens: ANSWER_WORDS.length } });
      const parts = await collectStream(provider.stream(modelCall(), AbortSignal.timeout(5_000)));
      expect(parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('')).toBe(TEXT);
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    } finally {
      await provider.close();
    }
    expect(mock.stats).toMatchObject({ anthropic: 2, streams: 1 });
  });

  it('streams what the official openai client parses, with a usage chunk last, also with pauses between deltas', async () => {
    mock.settings = { delayMs: 0, chunkDelayMs: 1 };
    const client = new OpenAI({ apiKey: 'sk-bench', baseURL: `${origin}/v1`, maxRetries: 0, timeout: 5_000 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(TEXT);
    expect(usage).toMatchObject({ prompt_tokens: 96, completion_tokens: ANSWER_WORDS.length });
  });

  it('waits the configured delay before answering, and reports and resets its counter over HTTP', async () => {
    await fetch(`${origin}${MOCK_CONTROL.settings}?delay_ms=40&chunk_delay_ms=0`, { method: 'POST' });
    const started = performance.now();
    const answer = await fetch(`${origin}/v1/chat/completions`, { method: 'POST', body: '{"model":"m"}' });
    await answer.json();
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);

    const stats = (await (await fetch(`${origin}${MOCK_CONTROL.stats}`)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ openai: 1, total: 1, settings: { delayMs: 40, chunkDelayMs: 0 } });
    await fetch(`${origin}${MOCK_CONTROL.reset}`, { method: 'POST' });
    expect(mock.stats.total).toBe(0);
  });

  it('answers 404 on other paths without counting them', async () => {
    const answer = await fetch(`${origin}/v1/embeddings`, { method: 'POST', body: '{}' });
    expect(answer.status).toBe(404);
    expect(mock.stats.total).toBe(0);
  });
});
