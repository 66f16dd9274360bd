import { describe, expect, it } from 'vitest';
import { testAgent } from '../../test/support/agent-definition.js';
import { LogCapture } from '../../test/support/gateway-harness.js';
import { ScriptedProvider } from '../../test/support/scripted-provider.js';
import { FakeClock } from '../../test/support/test-redis.js';
import type { AuditRecord } from '../audit/audit-record.js';
import type { AgentOverrides, CacheScope } from '../config/ossa-config.js';
import { AgentExecutor } from '../executor/agent-executor.js';
import type { AgentStreamEvent } from '../executor/agent-stream-event.js';
import type { ExecuteOptions } from '../executor/agent-response.js';
import type { AgentRoute } from '../executor/agent-route.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import { createLogger } from '../observability/logger.js';
import { cachePartition } from './cache-partition.js';
import { CachedAgentExecutor } from './cached-agent-executor.js';
import { ResponseCache } from './response-cache.js';
import { MemoryCacheStore } from './memory-cache-store.js';

function setup(scope: CacheScope, agents: Record<string, AgentOverrides> = {}) {
  const clock = new FakeClock();
  const provider = new ScriptedProvider('scripted', [], 'openai-compatible');
  provider.answerText = (call, n) => `answer ${n}: ${call.messages.at(-1)?.content ?? ''}`;
  const logger = createLogger({ destination: new LogCapture().stream });
  const events = new EventDispatcher(logger);
  const agent = (name: string): AgentRoute => ({
    agent: testAgent(name), primary: { provider: 'scripted', model: 'm' }, fallbacks: [], temperature: 0.5, maxTokens: 100, provider, usable: [{ provider: 'scripted', model: 'm' }],
  });
  const routes = new Map([['support', agent('support')], ['faq', agent('faq')]]);
  const records: AuditRecord[] = [];
  const cache = new ResponseCache({
    routes, store: new MemoryCacheStore({ maxEntries: 100, maxBytes: 1_000_000, now: clock.now }),
    defaultTtlSeconds: 60, agents, scope, audit: { record: (record) => void records.push(record) }, events, logger, now: clock.now,
  });
  const runner = new CachedAgentExecutor(new AgentExecutor({ routes, events }), cache);
  let n = 0;
  const run = (input: string, who: Partial<ExecuteOptions> & { agent?: string } = {}) => {
    const { agent: name = 'support', ...rest } = who;
    return runner.execute(name, input, {}, { requestId: `req-${++n}`, ...rest });
  };
  const stream = async (input: string, who: Partial<ExecuteOptions>) => {
    const got: AgentStreamEvent[] = [];
    for await (const event of runner.executeStream('support', input, {}, { requestId: `req-${++n}`, ...who })) got.push(event);
    return got;
  };
  return { cache, provider, run, stream, records };
}

const alpha = { clientId: 'alpha', userId: 'alpha' };
const beta = { clientId: 'beta', userId: 'beta' };

describe('cache scopes', () => {
  it('client: one client never gets, overwrites or joins the single flight of another client\'s entry', async () => {
    const { run, provider } = setup('client');
    expect((await run('secret plan', alpha)).cached).toBe(false);
    expect((await run('secret plan', beta)).cached).toBe(false); // no oracle: beta learns nothing of alpha's question
    expect((await run('secret plan', { ...alpha, userId: 'alpha:ops' })).cached).toBe(true); // alpha's users share
    await run('shared', { ...beta, cache: 'refresh' });
    expect((await run('secret plan', alpha)).output).toBe('answer 1: secret plan'); // beta's refresh left alpha's entry alone
    const together = await Promise.all([run('same moment', alpha), run('same moment', beta)]);
    expect(together.map((r) => r.cached)).toEqual([false, false]);
    expect(provider.calls).toHaveLength(5);
  });

  it('user: the users of one client stay apart too', async () => {
    const { run } = setup('user');
    await run('q', { clientId: 'alpha', userId: 'alpha:ann' });
    expect((await run('q', { clientId: 'alpha', userId: 'alpha:bob' })).cached).toBe(false);
    expect((await run('q', { clientId: 'alpha', userId: 'alpha:ann' })).cached).toBe(true);
  });

  it('global: everyone shares, and an agent may choose its own scope', async () => {
    const shared = setup('global');
    await shared.run('q', alpha);
    expect((await shared.run('q', beta)).cached).toBe(true);
    const mixed = setup('client', { faq: { cache_scope: 'global' } });
    await mixed.run('opening hours?', { ...alpha, agent: 'faq' });
    expect((await mixed.run('opening hours?', { ...beta, agent: 'faq' })).cached).toBe(true);
    expect(mixed.cache.scopeOf('faq')).toBe('global');
    expect(mixed.cache.scopeOf('support')).toBe('client');
  });

  it('keys global entries as before scopes existed, and invalidates one response in its partition', async () => {
    const { cache, run } = setup('client');
    expect(cachePartition('global', alpha)).toBeUndefined();
    expect(cache.keyFor('support', 'q', {}, alpha)!.hash).not.toBe(cache.keyFor('support', 'q', {}, beta)!.hash);
    await run('q', alpha);
    await run('q', beta);
    expect(await cache.invalidateResponse('support', 'q', {}, { clientId: 'alpha' })).toBe(true);
    expect(await cache.invalidateResponse('support', 'q', {}, { clientId: 'alpha' })).toBe(false);
    expect((await run('q', beta)).cached).toBe(true);
  });
});

describe('cache_hit audit records', () => {
  it('name who received which answer, and the request whose upstream call made it', async () => {
    const { run, stream, records } = setup('client');
    await run('q', { ...alpha, userId: 'alpha:ann' });
    await run('q', { ...alpha, userId: 'alpha:bob' });
    await stream('q', { ...alpha, userId: 'alpha:eve' });
    expect(records).toEqual([
      { event: 'cache_hit', timestamp: expect.any(Number), request_id: 'req-2', original_request_id: 'req-1', attempt: 0, provider: 'scripted', model: 'm', agent: 'support', agent_version: '1.0.0', user_id: 'alpha:bob', scope: 'client', streamed: false, response_length: 'answer 1: q'.length, finish_reason: 'stop' },
      expect.objectContaining({ event: 'cache_hit', request_id: 'req-3', original_request_id: 'req-1', user_id: 'alpha:eve', streamed: true }),
    ]);
  });

  it('are written for callers that joined another request\'s upstream call too', async () => {
    const { run, records } = setup('global');
    await Promise.all([run('together', alpha), run('together', beta)]);
    expect(records.map((r) => [r.event, r.request_id, (r as { original_request_id?: string }).original_request_id, r.user_id])).toEqual([['cache_hit', 'req-2', 'req-1', 'beta']]);
  });
});
