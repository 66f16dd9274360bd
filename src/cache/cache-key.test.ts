import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentRoute } from '../executor/agent-route.js';
import { canonicalJson } from '../util/canonical-json.js';
import { cacheKeyFor } from './cache-key.js';

/** The key's definition: SHA-256 of the canonical JSON of the material (what version 1 keys always were). */
function referenceHash(route: AgentRoute, input: string, context: Record<string, unknown>, options: { temperature?: number; maxTokens?: number; history?: unknown[]; scope?: string }): string {
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
