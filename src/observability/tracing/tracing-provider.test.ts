import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startInMemoryTracing, type InMemoryTracing } from '../../../test/support/in-memory-tracing.js';
import { EchoProvider } from '../../providers/echo/echo-provider.js';
import type { ModelCall, ModelResult, Provider, StreamPart } from '../../providers/provider.js';
import { ProviderError } from '../../providers/provider-error.js';
import { UpstreamTimeLedger } from '../upstream-time-ledger.js';
import { TracingProvider } from './tracing-provider.js';
import { withSpan } from './with-span.js';

const call: ModelCall = {
  model: 'claude-sonnet-4-5',
  system: 'You are a secret system prompt.',
  messages: [{ role: 'user', content: 'my private question' }],
  temperature: 0.3,
  maxTokens: 200,
  meta: { requestId: 'req-42', agent: { name: 'support', version: '1.0.0' }, toolsCount: 0 },
};

/** A provider that fails the way an overloaded upstream does. */
const failing: Provider = {
  name: 'claude',
  type: 'anthropic',
  complete: () => Promise.reject(new ProviderError('claude: upstream answered 529 (overloaded_error)', { provider: 'claude', kind: 'http', status: 529, retryable: true })),
  async *stream(): AsyncGenerator<StreamPart> {
    throw new ProviderError('claude: network error', { provider: 'claude', kind: 'network', retryable: true });
  },
};

describe('TracingProvider (one span per upstream attempt)', () => {
  let tracing: InMemoryTracing;
  beforeAll(() => {
    tracing = startInMemoryTracing();
  });
  afterAll(() => tracing.stop());
  beforeEach(() => tracing.reset());

  it('records a CLIENT span with the GenAI attributes of the call and of the answer, and no prompt text', async () => {
    const provider = new TracingProvider(new EchoProvider({ name: 'echo' }), { server: { address: 'api.example.com', port: 443 } });
    const result = await provider.complete(call, new AbortController().signal);
    const span = tracing.span('chat claude-sonnet-4-5');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'ossa.echo',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.max_tokens': 200,
      'gen_ai.response.model': 'echo',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': result.usage.inputTokens,
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
      'ossa.provider': 'echo',
      'ossa.request.id': 'req-42',
      'server.address': 'api.example.com',
      'server.port': 443,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(JSON.stringify(span.attributes)).not.toMatch(/secret system prompt|private question/);
  });

  it('marks a failed attempt as an error with the upstream status as error.type, and rethrows it', async () => {
    const provider = new TracingProvider(failing);
    await expect(provider.complete(call, new AbortController().signal)).rejects.toThrow(/529/);
    const span = tracing.span('chat claude-sonnet-4-5');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'claude: upstream answered 529 (overloaded_error)' });
    expect(span.attributes['error.type']).toBe('529');
    expect(span.attributes['gen_ai.system']).toBe('anthropic');
    expect(span.events.map((e) => e.name)).toContain('exception');
  });

  it('becomes a child of the active span (the execution)', async () => {
    const provider = new TracingProvider(new EchoProvider({ name: 'echo' }));
    await withSpan('invoke_agent support', {}, () => provider.complete(call, new AbortController().signal));
    const parent = tracing.span('invoke_agent support');
    const child = tracing.span('chat claude-sonnet-4-5');
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });

  it('spans a streamed answer from the first part to the last, with a first-token event and the final usage', async () => {
    const provider = new TracingProvider(new EchoProvider({ name: 'echo' }));
    const parts: StreamPart[] = [];
    for await (const part of provider.stream(call, new AbortController().signal)) parts.push(part);
    const span = tracing.span('chat claude-sonnet-4-5');
    const finish = parts.at(-1) as Extract<StreamPart, { type: 'finish' }>;
    expect(span.attributes).toMatchObject({ 'ossa.streamed': true, 'gen_ai.usage.output_tokens': finish.usage.outputTokens, 'gen_ai.response.finish_reasons': ['stop'] });
    expect(span.events.filter((e) => e.name === 'gen_ai.first_token')).toHaveLength(1);
  });

  it('ends the span of a stream the consumer abandons, and of one that fails', async () => {
    const provider = new TracingProvider(new EchoProvider({ name: 'echo' }));
    for await (const part of provider.stream({ ...call, messages: [{ role: 'user', content: 'one two three four' }] }, new AbortController().signal)) {
      if (part.type === 'text') break;
    }
    expect(tracing.spans()).toHaveLength(1);
    await expect(async () => {
      for await (const _ of new TracingProvider(failing).stream(call, new AbortController().signal)) void _;
    }).rejects.toThrow(/network error/);
    expect(tracing.spans()[1]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(tracing.spans()[1]!.attributes['error.type']).toBe('network');
  });

  it('credits each attempt, failed or not, to the request\'s upstream time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const ledger = new UpstreamTimeLedger();
    ledger.open('req-42');
    const slow: Provider = {
      ...failing,
      complete: () => new Promise<ModelResult>((resolve) => setTimeout(() => resolve({ text: 'x', model: 'm', provider: 'claude', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' }), 30)),
    };
    try {
      const answered = new TracingProvider(slow, { upstreamTime: ledger }).complete(call, new AbortController().signal);
      await vi.advanceTimersByTimeAsync(30);
      await answered;
      await new TracingProvider(failing, { upstreamTime: ledger }).complete(call, new AbortController().signal).catch(() => undefined);
    } finally {
      vi.useRealTimers();
    }
    expect(ledger.close('req-42')).toEqual({ calls: 2, upstreamMs: 30, waitedMs: 0 });
  });

  it('counts the tools offered and the tool calls asked, streamed or not, and names the output type and stop sequences, never a schema or an argument', async () => {
    const toolCaller: Provider = {
      name: 'gpt',
      type: 'openai',
      complete: async (): Promise<ModelResult> => ({ text: '', toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"SECRET-CITY"}' }], model: 'gpt-4o', provider: 'gpt', usage: { inputTokens: 1, outputTokens: 2 }, finishReason: 'tool_calls' }),
      async *stream(): AsyncGenerator<StreamPart> {
        yield { type: 'tool-call-start', index: 0, id: 'c1', name: 'get_weather' };
        yield { type: 'tool-call-start', index: 1, id: 'c2', name: 'get_time' };
        yield { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":"SECRET-CITY"}' };
        yield { type: 'finish', model: 'gpt-4o', provider: 'gpt', usage: { inputTokens: 1, outputTokens: 2 }, finishReason: 'tool_calls' };
      },
    };
    const withTools: ModelCall = {
      ...call,
      model: 'gpt-4o',
      tools: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string', description: 'SECRET-SCHEMA' } } } }, { name: 'get_time', parameters: { type: 'object' } }],
      toolChoice: { name: 'get_weather' },
      responseFormat: { type: 'json_object' },
      stop: ['END'],
    };
    const provider = new TracingProvider(toolCaller);
    await provider.complete(withTools, new AbortController().signal);
    for await (const _part of provider.stream(withTools, new AbortController().signal)) void _part;
    const spans = tracing.spans().filter((s) => s.name === 'chat gpt-4o');
    expect(spans.map((s) => s.attributes['ossa.tool_calls'])).toEqual([1, 2]);
    for (const span of spans) {
      expect(span.attributes).toMatchObject({ 'ossa.tools.offered': 2, 'ossa.tool_choice': 'named', 'gen_ai.output.type': 'json', 'gen_ai.request.stop_sequences': ['END'], 'gen_ai.response.finish_reasons': ['tool_calls'] });
      expect(JSON.stringify(span.attributes)).not.toMatch(/SECRET/);
    }
    expect(spans[1]!.events.map((e) => e.name)).toContain('gen_ai.first_token');
  });
});
