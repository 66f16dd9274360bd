import { describe, expect, it } from 'vitest';
import { modelCall } from '../../../test/support/model-call.js';
import { toAnthropicRequest, toAnthropicRequestJson } from '../anthropic/anthropic-request.js';
import { toOpenAIRequest, toOpenAIRequestJson, type OpenAIRequestStyle } from '../openai/openai-request.js';
import type { ChatMessage, ModelCall } from '../provider.js';
import { ConstantBodyParts, jsonFieldsAfter } from './constant-body-parts.js';

const TOOLS: ModelCall['tools'] = [{ name: 'lookup_order', description: 'Finds an order "by id".', parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } }];
const FORMAT: ModelCall['responseFormat'] = { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true };
const CONVERSATIONS: readonly (readonly ChatMessage[])[] = [
  [{ role: 'user', content: 'Where is my order? "4471" \u2028 é' }],
  [{ role: 'user', content: 'second' }, { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'lookup_order', arguments: '{"id":"1"}' }] }, { role: 'tool', toolCallId: 'c1', content: 'shipped' }],
  [],
];

/** Calls that share settings objects (as a route's calls do) and calls that do not. */
function calls(): ModelCall[] {
  const shapes: Partial<ModelCall>[] = [
    { system: 'You are support.' },
    { system: '' },
    { system: [{ type: 'text', text: 'Cached part.', cacheControl: { type: 'ephemeral' } }, { type: 'text', text: 'Rest.' }] },
    { system: 'Tools.', tools: TOOLS, toolChoice: 'required', parallelToolCalls: false, stop: ['END'], topP: 0.9 },
    { system: 'Format.', responseFormat: FORMAT, frequencyPenalty: 0.5, presencePenalty: 0.1 },
    { system: 'Anthropic options.', providerOptions: { anthropic: { topK: 5, userId: 'u-1' } } },
    { model: 'o4-mini', system: 'A reasoning model.' },
  ];
  const out: ModelCall[] = [];
  for (const shape of shapes) for (const messages of CONVERSATIONS) out.push(modelCall({ model: 'gpt-4.1', temperature: 0.3, maxTokens: 512, ...shape, messages }));
  return out;
}

describe('ConstantBodyParts (the constant part of an upstream body, serialised once)', () => {
  it('gives the OpenAI body byte for byte, memo hit or not, streamed or not, for every style', () => {
    const styles: OpenAIRequestStyle[] = [{ type: 'openai-compatible' }, { type: 'openai' }, { type: 'openai', tokenLimitParam: 'max_tokens' }];
    for (const style of styles) {
      const memo = new ConstantBodyParts();
      for (let round = 0; round < 2; round++) {
        for (const call of calls()) {
          for (const stream of [false, true]) expect(toOpenAIRequestJson(call, stream, style, memo)).toBe(JSON.stringify(toOpenAIRequest(call, stream, style)));
        }
      }
    }
  });

  it('gives the Anthropic body byte for byte, memo hit or not, streamed or not', () => {
    const memo = new ConstantBodyParts();
    for (let round = 0; round < 2; round++) {
      for (const call of calls()) {
        for (const stream of [false, true]) expect(toAnthropicRequestJson(call, stream, memo)).toBe(JSON.stringify(toAnthropicRequest(call, stream)));
      }
    }
  });

  it('builds again when a setting changes under the same key, and reuses the parts when none does', () => {
    const memo = new ConstantBodyParts();
    let builds = 0;
    const build = () => (builds++, { head: 'h', tail: 't' });
    memo.parts('k', [1, TOOLS], build);
    memo.parts('k', [1, TOOLS], build);
    expect(builds).toBe(1);
    memo.parts('k', [2, TOOLS], build);
    memo.parts('k', [2, [...(TOOLS ?? [])]], build);
    expect(builds).toBe(3);
  });

  it('writes the fields that follow another field of the same object', () => {
    expect(jsonFieldsAfter({})).toBe('}');
    expect(jsonFieldsAfter({ a: 1, b: undefined, c: 'x' })).toBe(',"a":1,"c":"x"}');
  });
});
