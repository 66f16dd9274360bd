import { describe, expect, it } from 'vitest';
import { collectStream } from '../../test/support/model-call.js';
import { httpError, supportCall, ScriptedProvider } from '../../test/support/scripted-provider.js';
import type { ModelCall, ModelResult, Provider, StreamPart } from '../providers/provider.js';
import type { AuditRecord } from './audit-record.js';
import { AuditLoggingProvider } from './audit-logging-provider.js';

function setup(includeContent = false) {
  const inner = new ScriptedProvider('anthropic');
  const records: AuditRecord[] = [];
  const provider = new AuditLoggingProvider(inner, { audit: { record: (r) => records.push(r) }, includeContent, now: () => 1_700_000_000_000 });
  return { inner, provider, records, signal: new AbortController().signal };
}

describe('AuditLoggingProvider', () => {
  it('records an llm_request and an llm_response per attempt, with ARCHITECTURE.md\'s fields', async () => {
    const { provider, records, signal } = setup();
    await provider.complete(supportCall({ attempt: 3 }), signal);
    const shared = { timestamp: 1_700_000_000_000, request_id: 'req-1', attempt: 3, provider: 'anthropic', agent: 'support', agent_version: '1.0.0', user_id: 'ada', streamed: false };
    expect(records).toEqual([
      { ...shared, event: 'llm_request', model: 'claude-sonnet-4-5', prompt_length: 'You are a test agent.'.length + 'Where is my order?'.length, temperature: 0.5, max_tokens: 100, tools_count: 2 },
      {
        ...shared,
        event: 'llm_response',
        model: 'claude-sonnet-4-5',
        duration_ms: expect.any(Number),
        response_length: 'ok from anthropic'.length,
        tokens_used: { input: 3, output: 2 },
        finish_reason: 'stop',
        tool_calls: 0,
      },
    ]);
  });

  it('keeps prompt and response text out unless include_content is on', async () => {
    const off = setup(false);
    await off.provider.complete(supportCall(), off.signal);
    expect(JSON.stringify(off.records)).not.toContain('Where is my order?');
    expect(JSON.stringify(off.records)).not.toContain('ok from anthropic');

    const on = setup(true);
    await on.provider.complete(supportCall(), on.signal);
    expect(on.records[0]).toMatchObject({ system: 'You are a test agent.', messages: [{ role: 'user', content: 'Where is my order?' }] });
    expect(on.records[1]).toMatchObject({ response: 'ok from anthropic' });
  });

  it('records an llm_error with the error class, status and safe message, and rethrows', async () => {
    const { inner, provider, records, signal } = setup();
    inner.script({ kind: 'fail', error: httpError('anthropic', 503) });
    await expect(provider.complete(supportCall(), signal)).rejects.toMatchObject({ status: 503 });
    expect(records[1]).toMatchObject({ event: 'llm_error', error_class: 'ProviderError:http', error_message: 'anthropic answered 503', status: 503, retryable: true, aborted: false });
  });

  it('records an abort as such', async () => {
    const { inner, provider, records } = setup();
    const controller = new AbortController();
    inner.script({ kind: 'hang' });
    const call = provider.complete(supportCall(), controller.signal);
    controller.abort();
    await expect(call).rejects.toMatchObject({ kind: 'aborted' });
    expect(records[1]).toMatchObject({ event: 'llm_error', error_class: 'ProviderError:aborted', aborted: true });
  });

  describe('stream()', () => {
    it('records the response at the finish part, with the streamed text only under include_content', async () => {
      const { provider, records, signal } = setup(true);
      await collectStream(provider.stream(supportCall(), signal));
      expect(records.map((r) => r.event)).toEqual(['llm_request', 'llm_response']);
      expect(records[1]).toMatchObject({ streamed: true, response: 'ok from anthropic', response_length: 17, tokens_used: { input: 3, output: 3 } });
    });

    it('records an llm_error with the tokens seen so far when the stream fails midway', async () => {
      const { inner, provider, records, signal } = setup();
      inner.script({ kind: 'break', parts: 2, error: httpError('anthropic', 500) });
      await expect(collectStream(provider.stream(supportCall(), signal))).rejects.toMatchObject({ status: 500 });
      expect(records[1]).toMatchObject({ event: 'llm_error', streamed: true, tokens_seen: 2, response_length: 'one two'.length, aborted: false, status: 500 });
    });

    it('records an abort when the consumer stops reading', async () => {
      const { provider, records, inner, signal } = setup();
      for await (const _part of provider.stream(supportCall(), signal)) break;
      expect(inner.streamsClosed).toBe(1);
      expect(records[1]).toMatchObject({ event: 'llm_error', aborted: true, error_class: 'ProviderError:aborted', tokens_seen: 1, error_message: 'anthropic: the consumer stopped reading the stream' });
    });
  });
});

describe('AuditLoggingProvider and tool calls', () => {
  const calls = [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris-SECRET"}' }, { id: 'call_2', name: 'get_time', arguments: '{"tz":"Asia/Tokyo"}' }];
  /** An upstream that asks for two tool calls, interleaved when streamed. */
  const toolCaller: Provider = {
    name: 'openai',
    type: 'openai',
    complete: async (): Promise<ModelResult> => ({ text: '', toolCalls: calls, model: 'gpt-4o', provider: 'openai', usage: { inputTokens: 5, outputTokens: 9 }, finishReason: 'tool_calls' }),
    async *stream(_call: ModelCall): AsyncGenerator<StreamPart, void, undefined> {
      yield { type: 'tool-call-start', index: 0, id: 'call_1', name: 'get_weather' };
      yield { type: 'tool-call-start', index: 1, id: 'call_2', name: 'get_time' };
      yield { type: 'tool-call-delta', index: 1, argumentsDelta: '{"tz":"Asia/Tokyo"}' };
      yield { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":"Paris-SECRET"}' };
      yield { type: 'tool-call-end', index: 0 };
      yield { type: 'tool-call-end', index: 1 };
      yield { type: 'finish', model: 'gpt-4o', provider: 'openai', usage: { inputTokens: 5, outputTokens: 9 }, finishReason: 'tool_calls' };
    },
  };
  const audited = (includeContent: boolean) => {
    const records: AuditRecord[] = [];
    return { records, provider: new AuditLoggingProvider(toolCaller, { audit: { record: (r) => records.push(r) }, includeContent }) };
  };

  it('counts the tool calls an answer asks for, streamed or not, and keeps their arguments out without include_content', async () => {
    const { records, provider } = audited(false);
    await provider.complete(supportCall(), new AbortController().signal);
    await collectStream(provider.stream(supportCall(), new AbortController().signal));
    const responses = records.filter((r) => r.event === 'llm_response');
    expect(responses.map((r) => [r.streamed, r.tool_calls, r.finish_reason])).toEqual([[false, 2, 'tool_calls'], [true, 2, 'tool_calls']]);
    expect(JSON.stringify(records)).not.toContain('SECRET');
    expect(JSON.stringify(records)).not.toContain('get_weather');
  });

  it('records the calls whole, each with its own arguments, with include_content', async () => {
    const { records, provider } = audited(true);
    await provider.complete(supportCall(), new AbortController().signal);
    await collectStream(provider.stream(supportCall(), new AbortController().signal));
    for (const record of records.filter((r) => r.event === 'llm_response')) expect(record).toMatchObject({ tool_calls: 2, response_tool_calls: calls });
  });
});
