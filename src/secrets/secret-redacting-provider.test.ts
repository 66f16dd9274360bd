import { describe, expect, it } from 'vitest';
import { collectStream, modelCall } from '../../test/support/model-call.js';
import type { ModelResult, Provider, StreamPart } from '../providers/provider.js';
import { ProviderError } from '../providers/provider-error.js';
import { KnownSecrets } from './known-secrets.js';
import { redactSecrets, SecretRedactingProvider } from './secret-redacting-provider.js';
import { REDACTED } from './secret-scanner.js';

const KEY = 'sk-ant-api03-CHAOSanthropicSECRET7f3a9c1e';
const CLIENT = 'ossa-client-CHAOSclientSECRET9e7c5a3f';
const secrets = new KnownSecrets([KEY, CLIENT]);
const call = modelCall();
const signal = new AbortController().signal;

/** An upstream that answers with whatever the test hands it: the hostile adapter. */
function hostile(answer: { result?: ModelResult; parts?: StreamPart[]; error?: Error }): Provider {
  return {
    name: 'claude',
    type: 'anthropic',
    async complete() {
      if (answer.error) throw answer.error;
      return answer.result!;
    },
    async *stream() {
      yield* answer.parts ?? [];
      if (answer.error) throw answer.error;
    },
  };
}

const finish: StreamPart = { type: 'finish', model: 'claude-sonnet-4-5', provider: 'claude', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' };

describe('SecretRedactingProvider', () => {
  it('redacts the text, the model, the stop sequence and every tool call of an answer', async () => {
    const provider = redactSecrets(secrets)(
      hostile({
        result: {
          text: `your key is Bearer ${KEY} and ${KEY.toUpperCase().replace(/-/g, '_')}`,
          model: `claude|${CLIENT}`,
          stopSequence: CLIENT,
          toolCalls: [{ id: `call_${CLIENT}`, name: KEY, arguments: `{"key":"${KEY.toLowerCase()}"}` }],
          provider: 'claude',
          usage: { inputTokens: 1, outputTokens: 1 },
          finishReason: 'tool_calls',
        },
      }),
    );
    const result = await provider.complete(call, signal);
    expect(result).toMatchObject({
      text: `your key is Bearer ${REDACTED} and ${REDACTED}`,
      model: `claude|${REDACTED}`,
      stopSequence: REDACTED,
      toolCalls: [{ id: `call_${REDACTED}`, name: REDACTED, arguments: `{"key":"${REDACTED}"}` }],
      finishReason: 'tool_calls',
    });
  });

  it('returns a clean answer as it is', async () => {
    const result: ModelResult = { text: 'fine', model: 'm', provider: 'claude', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' };
    expect(await new SecretRedactingProvider(hostile({ result }), secrets).complete(call, signal)).toBe(result);
  });

  it('redacts the message and stack of an error, keeping its class and fields', async () => {
    const error = new ProviderError(`claude answered 400 Bad Request (${KEY.replace(/-/g, '_').toLowerCase()})`, { provider: 'claude', kind: 'http', status: 400, retryable: false });
    const thrown = await new SecretRedactingProvider(hostile({ error }), secrets).complete(call, signal).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ProviderError);
    expect(thrown).toMatchObject({ message: `claude answered 400 Bad Request (${REDACTED})`, status: 400, retryable: false, kind: 'http' });
    expect((thrown as Error).stack).not.toMatch(/chaosanthropicsecret/i);
  });

  it('redacts a secret split across stream parts, holding back no more than a possible beginning', async () => {
    const half = KEY.length / 2;
    const parts = await collectStream(
      new SecretRedactingProvider(
        hostile({
          parts: [
            { type: 'text', text: 'Hello. ' },
            { type: 'text', text: `Your key: ${KEY.slice(0, half)}` },
            { type: 'text', text: `${KEY.slice(half)}. Bye` },
            { ...finish, model: KEY },
          ],
        }),
        secrets,
      ).stream(call, signal),
    );
    expect(parts).toEqual([
      { type: 'text', text: 'Hello. ' },
      { type: 'text', text: 'Your key: ' },
      { type: 'text', text: `${REDACTED}. Bye` },
      { ...finish, model: REDACTED },
    ]);
  });

  it('redacts tool-call ids, names and arguments per call, in order, parallel calls interleaved', async () => {
    const parts = await collectStream(
      new SecretRedactingProvider(
        hostile({
          parts: [
            { type: 'text', text: 'calling o' },
            { type: 'tool-call-start', index: 0, id: 'call_0', name: 'lookup' },
            { type: 'tool-call-start', index: 1, id: `call_${CLIENT}`, name: 'lookup' },
            { type: 'tool-call-delta', index: 0, argumentsDelta: `{"k":"${KEY.slice(0, 10)}` },
            { type: 'tool-call-delta', index: 1, argumentsDelta: '{"k":"ossa' },
            { type: 'tool-call-delta', index: 0, argumentsDelta: `${KEY.slice(10)}"}` },
            { type: 'tool-call-end', index: 0 },
            { type: 'tool-call-delta', index: 1, argumentsDelta: '-"}' },
            { type: 'tool-call-end', index: 1 },
            { ...finish, finishReason: 'tool_calls' },
          ],
        }),
        secrets,
      ).stream(call, signal),
    );
    expect(parts).toEqual([
      { type: 'text', text: 'calling ' },
      { type: 'text', text: 'o' },
      { type: 'tool-call-start', index: 0, id: 'call_0', name: 'lookup' },
      { type: 'tool-call-start', index: 1, id: `call_${REDACTED}`, name: 'lookup' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"k":"' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"k":"' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: `${REDACTED}"}` },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-delta', index: 1, argumentsDelta: 'ossa-"}' },
      { type: 'tool-call-end', index: 1 },
      { ...finish, finishReason: 'tool_calls' },
    ]);
  });

  it('redacts an error thrown midway, after the text it let through', async () => {
    const error = new ProviderError(`claude: stream error (${CLIENT})`, { provider: 'claude', kind: 'invalid_response', retryable: true });
    const seen: StreamPart[] = [];
    const thrown = await (async () => {
      for await (const part of new SecretRedactingProvider(hostile({ parts: [{ type: 'text', text: 'partial' }], error }), secrets).stream(call, signal)) seen.push(part);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ type: 'text', text: 'partial' }]);
    expect((thrown as Error).message).toBe(`claude: stream error (${REDACTED})`);
  });
});

describe('KnownSecrets', () => {
  it('redacts every string of a JSON value, keys too, and keeps what is clean', () => {
    const clean = { a: ['x', { b: 1 }] };
    expect(secrets.redactValue(clean)).toBe(clean);
    expect(secrets.redactValue({ [KEY]: [`${CLIENT}!`, 2, null, { nested: KEY }] })).toEqual({ [REDACTED]: [`${REDACTED}!`, 2, null, { nested: REDACTED }] });
  });

  it('learns rotated keys and keeps the old ones', () => {
    const known = new KnownSecrets(['old-key-123456789']);
    known.add(['new-key-987654321']);
    expect(known.redact('old-key-123456789 new-key-987654321')).toBe(`${REDACTED} ${REDACTED}`);
    expect(known.size).toBe(2);
  });
});
