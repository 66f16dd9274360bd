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
});
