import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentRoute } from '../executor/agent-route.js';
import { canonicalJson } from '../util/canonical-json.js';
import { cacheKeyFor } from './cache-key.js';

/** The key's definition: SHA-256 of the canonical JSON of the material (what version 1 keys always were). */
function referenceHash(route: AgentRoute, input: string, context: Record<string, unknown>, options: Record<string, unknown> & { temperature?: number; maxTokens?: number; history?: unknown[]; tools?: unknown[]; stop?: string[]; scope?: string }): string {
  const target = route.usable[0] ?? route.primary;
  const material = {
    v: 1,
    agent: route.agent.name,
    manifest: route.agent.contentHash,
    provider: target.provider,
    model: target.model,
    temperature: options.temperature ?? route.temperature,
    max_tokens: options.maxTokens ?? route.maxTokens,
    input,
    context,
    ...(options.history && options.history.length > 0 ? { history: options.history } : {}),
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    instructions: options['instructions'],
    response_format: options['responseFormat'],
    ...(options.stop && options.stop.length > 0 ? { stop: options.stop } : {}),
    ...(options.tools && options.tools.length > 0 ? { tools: options.tools, tool_choice: options['toolChoice'], parallel_tool_calls: options['parallelToolCalls'] } : {}),
  };
  return createHash('sha256').update(canonicalJson(material)).digest('hex');
}

function routeOf(name: string, contentHash: string, usable: { provider: string; model: string }[]): AgentRoute {
  return {
    agent: { name, contentHash } as AgentRoute['agent'],
    primary: { provider: 'p', model: 'm' },
    fallbacks: [],
    temperature: 0.2,
    maxTokens: 256,
    usable,
  };
}

describe('cacheKeyFor', () => {
  it('hashes the canonical JSON of its material, byte for byte (keys stored by earlier versions stay valid)', () => {
    const json = fc.jsonValue();
    fc.assert(
      fc.property(
        fc.string(), fc.string(), fc.string(), fc.dictionary(fc.string(), json), fc.option(fc.double({ noNaN: true }), { nil: undefined }),
        fc.option(fc.integer(), { nil: undefined }), fc.option(fc.array(json, { maxLength: 3 }), { nil: undefined }), fc.boolean(), fc.option(fc.string(), { nil: undefined }),
        (name, hash, input, context, temperature, maxTokens, history, hasUsable, scope) => {
          const route = routeOf(name, hash, hasUsable ? [{ provider: 'u"p', model: 'm\u00e9' }] : []);
          const options = {
            ...(temperature !== undefined ? { temperature } : {}), ...(maxTokens !== undefined ? { maxTokens } : {}),
            ...(history !== undefined ? { history: history as never } : {}), ...(scope !== undefined ? { scope } : {}),
          };
          expect(cacheKeyFor(route, input, context as never, options)).toEqual({ agent: name, hash: referenceHash(route, input, context, options) });
        },
      ),
    );
  });

  it('keeps scopes apart: two clients, a client and a user of the same name, and the global entry all differ', () => {
    const route = routeOf('support', 'h', [{ provider: 'p', model: 'm' }]);
    const keys = [undefined, 'client:a', 'client:b', 'user:a', 'client:'].map((scope) => cacheKeyFor(route, 'q', {}, scope === undefined ? {} : { scope }).hash);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('cacheKeyFor with tools', () => {
  const route = routeOf('support', 'h', [{ provider: 'openai', model: 'gpt-4o-mini' }]);
  const weather = { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
  const asked = [
    { role: 'user' as const, content: 'Weather?' },
    { role: 'assistant' as const, content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
  ];
  const key = (options: Parameters<typeof cacheKeyFor>[3]) => cacheKeyFor(route, '', {}, options).hash;

  it('hashes the canonical JSON of every part that shapes the answer, byte for byte', () => {
    const json = fc.jsonValue();
    fc.assert(
      fc.property(
        fc.option(fc.string(), { nil: undefined }), fc.option(fc.array(fc.record({ name: fc.string(), parameters: fc.dictionary(fc.string(), json) }), { maxLength: 2 }), { nil: undefined }),
        fc.option(fc.constantFrom('auto', 'none', 'required', { name: 'x' }), { nil: undefined }), fc.option(fc.boolean(), { nil: undefined }),
        fc.option(fc.constantFrom({ type: 'json_object' }, { type: 'json_schema', name: 'a', schema: { type: 'object' } }), { nil: undefined }),
        fc.option(fc.array(fc.string(), { maxLength: 2 }), { nil: undefined }),
        (instructions, tools, toolChoice, parallelToolCalls, responseFormat, stop) => {
          const options = { instructions, tools, toolChoice, parallelToolCalls, responseFormat, stop } as never;
          expect(cacheKeyFor(route, 'in', {}, options).hash).toBe(referenceHash(route, 'in', {}, options));
        },
      ),
    );
  });

  it('gives a different key for a different tool result, tool schema, tool choice, response format, stop or instructions', () => {
    const base = { history: [...asked, { role: 'tool' as const, toolCallId: 'call_1', content: '18°C' }], tools: [weather] };
    const keys = [
      key(base),
      key({ ...base, history: [...asked, { role: 'tool' as const, toolCallId: 'call_1', content: '25°C' }] }),
      key({ ...base, history: [...asked, { role: 'tool' as const, toolCallId: 'call_1', content: '18°C', isError: true }] }),
      key({ ...base, tools: [{ ...weather, description: 'Weather now' }] }),
      key({ ...base, tools: [{ ...weather, parameters: { type: 'object', properties: { town: { type: 'string' } } } }] }),
      key({ ...base, toolChoice: 'required' }),
      key({ ...base, parallelToolCalls: false }),
      key({ ...base, responseFormat: { type: 'json_object' } }),
      key({ ...base, stop: ['END'] }),
      key({ ...base, instructions: 'Answer in French.' }),
      key({ history: base.history }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('ignores the tool choice and parallel calls of a request without tools, as the upstream would', () => {
    expect(key({ toolChoice: 'auto', parallelToolCalls: true })).toBe(key({}));
    expect(key({ tools: [], stop: [] })).toBe(key({}));
  });
});
