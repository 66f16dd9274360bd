import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAgent } from '../../test/support/agent-definition.js';
import { LogCapture } from '../../test/support/gateway-harness.js';
import { httpError, ScriptedProvider } from '../../test/support/scripted-provider.js';
import { startInMemoryTracing, type InMemoryTracing } from '../../test/support/in-memory-tracing.js';
import { FakeClock } from '../../test/support/test-redis.js';
import type { AgentDefinition } from '../agents/agent-definition.js';
import { AgentExecutor } from '../executor/agent-executor.js';
import type { CacheStatus, ExecuteOptions } from '../executor/agent-response.js';
import type { AgentStreamEvent } from '../executor/agent-stream-event.js';
import type { AgentRoute } from '../executor/agent-route.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { GatewayEvent } from '../events/gateway-events.js';
import { AgentNotFoundError } from '../executor/execution-errors.js';
import { createLogger } from '../observability/logger.js';
import { ProviderError } from '../providers/provider-error.js';
import { CachedAgentExecutor } from './cached-agent-executor.js';
import type { CacheStore } from './cache-store.js';
import { ResponseCache } from './response-cache.js';
import { MemoryCacheStore } from './memory-cache-store.js';

function routeFor(agent: AgentDefinition, provider: ScriptedProvider, model = 'model-a'): AgentRoute {
  return { agent, primary: { provider: provider.name, model }, fallbacks: [], temperature: 0.5, maxTokens: 100, provider, usable: [{ provider: provider.name, model }] };
}

/** A Redis store whose every command times out. */
function brokenStore(): CacheStore {
  const timedOut = () => Promise.reject(new Error('Command timed out'));
  return { backend: 'redis', get: timedOut, set: timedOut, delete: timedOut, invalidateAgent: timedOut, clear: timedOut, close: async () => {} };
}

function setup(options: { store?: CacheStore; agents?: Record<string, { cache_ttl?: number }> } = {}) {
  const clock = new FakeClock();
  const provider = new ScriptedProvider('scripted', [], 'openai-compatible');
  // Numbered answers: a test can tell which upstream call produced what it got.
  provider.answerText = (call, n) => `answer ${n}: ${call.messages.at(-1)?.content ?? ''}`;
  const logs = new LogCapture();
  const logger = createLogger({ destination: logs.stream });
  const events = new EventDispatcher(logger);
  const seen: GatewayEvent[] = [];
  for (const type of ['cache.lookup', 'store.error', 'agent.execution.start', 'agent.execution.complete', 'agent.execution.error'] as const) {
    events.on(type, (event) => void seen.push(event));
  }
  const routes = new Map([
    ['support', routeFor(testAgent('support'), provider)],
    ['nocache', routeFor(testAgent('nocache'), provider)],
  ]);
  const store = options.store ?? new MemoryCacheStore({ maxEntries: 100, maxBytes: 1_000_000, now: clock.now });
  const cache = new ResponseCache({
    routes,
    store,
    defaultTtlSeconds: 60,
    agents: options.agents ?? { nocache: { cache_ttl: 0 } },
    events,
    logger,
    now: clock.now,
  });
  const runner = new CachedAgentExecutor(new AgentExecutor({ routes, events }), cache);
  let n = 0;
  const statuses: CacheStatus[] = [];
  const run = (input: string, extra: Partial<ExecuteOptions> & { context?: Record<string, unknown>; agent?: string } = {}) => {
    const { context = {}, agent = 'support', ...rest } = extra;
    return runner.execute(agent, input, context, { requestId: `req-${++n}`, onCacheStatus: (s) => void statuses.push(s), ...rest });
  };
  const lookups = () => seen.filter((e) => e.type === 'cache.lookup').map((e) => (e as { result: string }).result);
  /** The same request, streamed: every event it yields, or the error it ended with after them. */
  const runStream = async (input: string, extra: Partial<ExecuteOptions> & { agent?: string; stopAfter?: number } = {}) => {
    const { agent = 'support', stopAfter, ...rest } = extra;
    const requestId = `req-${++n}`;
    const events: AgentStreamEvent[] = [];
    try {
      for await (const event of runner.executeStream(agent, input, {}, { requestId, onCacheStatus: (s) => void statuses.push(s), ...rest })) {
        events.push(event);
        if (events.length === stopAfter) break;
      }
      return { requestId, events };
    } catch (error) {
      return { requestId, events, error };
    }
  };
  const typesOf = (requestId: string) => seen.filter((e) => 'requestId' in e && e.requestId === requestId).map((e) => e.type);
  return { cache, runner, provider, clock, logs, seen, statuses, lookups, run, runStream, typesOf, routes, store };
}

describe('CachedAgentExecutor', () => {
  it('answers a repeated request from the cache: cached, its own request id, no upstream call', async () => {
    const { run, provider, statuses, lookups, seen } = setup();
    const first = await run('Where is my order?', { context: { order: 'A-1' } });
    const second = await run('Where is my order?', { context: { order: 'A-1' } });
    expect(provider.calls).toHaveLength(1);
    expect(first).toMatchObject({ request_id: 'req-1', output: 'answer 1: Where is my order?', cached: false, attempts: 1 });
    expect(second).toMatchObject({ request_id: 'req-2', output: 'answer 1: Where is my order?', cached: true, attempts: 0, provider: 'scripted', model: 'model-a' });
    expect(second.usage).toEqual(first.usage);
    expect(statuses).toEqual(['miss', 'hit']);
    expect(lookups()).toEqual(['miss', 'hit']);
    // The hit has its own start and complete events, like any execution.
    const forSecond = seen.filter((e) => 'requestId' in e && e.requestId === 'req-2').map((e) => e.type);
    expect(forSecond).toEqual(['agent.execution.start', 'agent.execution.complete']);
  });

  it('keys on everything that shapes the answer, and nothing else', async () => {
    const { run, provider, routes, cache } = setup();
    await run('q', { context: { a: 1, b: { c: 2, d: 3 } } });
    await run('q', { context: { b: { d: 3, c: 2 }, a: 1 } }); // same context, other key order: hit
    await run('q', { context: { a: 1, b: { c: 2, d: 3 } }, userId: 'someone-else' }); // the user is not part of the key
    expect(provider.calls).toHaveLength(1);
    await run('q ', { context: { a: 1, b: { c: 2, d: 3 } } });
    await run('q', { context: { a: 2, b: { c: 2, d: 3 } } });
    await run('q', { context: { a: 1, b: { c: 2, d: 3 } }, temperature: 0.1 });
    await run('q', { context: { a: 1, b: { c: 2, d: 3 } }, maxTokens: 50 });
    await run('q', { context: { a: 1, b: { c: 2, d: 3 } }, history: [{ role: 'user', content: 'earlier' }] });
    expect(provider.calls).toHaveLength(6);
    // An edited manifest (new content hash) or another model retires the old entries.
    const base = routes.get('support')!;
    const original = cache.keyFor('support', 'q', {})!;
    routes.set('support', { ...base, agent: { ...base.agent, contentHash: 'edited' } });
    expect(cache.keyFor('support', 'q', {})!.hash).not.toBe(original.hash);
    routes.set('support', { ...base, usable: [{ provider: 'scripted', model: 'model-b' }] });
    expect(cache.keyFor('support', 'q', {})!.hash).not.toBe(original.hash);
    routes.set('support', base);
    expect(cache.keyFor('support', 'q', {})).toEqual(original);
  });

  it('bypass neither reads nor writes; refresh skips the read and stores the fresh answer', async () => {
    const { run, provider, statuses, lookups } = setup();
    await run('q');
    const bypassed = await run('q', { cache: 'bypass' });
    expect(bypassed).toMatchObject({ cached: false, output: 'answer 2: q' });
    expect((await run('q')).output).toBe('answer 1: q');
    const refreshed = await run('q', { cache: 'refresh' });
    expect(refreshed).toMatchObject({ cached: false, output: 'answer 3: q' });
    expect(await run('q')).toMatchObject({ cached: true, output: 'answer 3: q' });
    expect(provider.calls).toHaveLength(3);
    expect(statuses).toEqual(['miss', 'bypass', 'hit', 'miss', 'hit']);
    expect(lookups()).toEqual(['miss', 'bypass', 'hit', 'refresh', 'hit']);
    await run('q2', { cache: 'bypass' });
    await run('q2');
    expect(provider.calls).toHaveLength(5);
  });

  it('keeps answers for the TTL, per agent; cache_ttl 0 turns caching off for that agent', async () => {
    const { run, provider, clock, statuses, lookups } = setup({ agents: { nocache: { cache_ttl: 0 }, support: { cache_ttl: 10 } } });
    await run('q');
    clock.advance(9_999);
    expect((await run('q')).cached).toBe(true);
    clock.advance(1);
    expect((await run('q')).cached).toBe(false);
    expect(provider.calls).toHaveLength(2);
    statuses.length = 0;
    await run('q', { agent: 'nocache' });
    await run('q', { agent: 'nocache' });
    expect(provider.calls).toHaveLength(4);
    expect(statuses).toEqual(['bypass', 'bypass']);
    expect(lookups().slice(-2)).toEqual(['disabled', 'disabled']);
  });

  it("caches only successful answers from the agent's own provider", async () => {
    const { run, provider } = setup();
    provider.script({ kind: 'fail', error: httpError('scripted', 500) });
    await expect(run('q')).rejects.toThrow('scripted answered 500');
    expect((await run('q')).cached).toBe(false);
    expect((await run('q')).cached).toBe(true);
    provider.script({ kind: 'answer', fallbackUsed: true }, { kind: 'answer', fallbackUsed: true });
    expect((await run('other')).fallback_used).toBe(true);
    expect((await run('other')).cached).toBe(false);
    expect(provider.calls).toHaveLength(4);
  });

  it("caches the first usable fallback's answers when the primary is disabled (no key): that is no outage", async () => {
    const { runner, provider, routes } = setup();
    // The primary has no key: the chain's first usable target answers, and says it is a fallback.
    routes.set('keyless', { ...routeFor(testAgent('keyless'), provider), primary: { provider: 'anthropic', model: 'claude' } });
    provider.script({ kind: 'answer', fallbackUsed: true });
    const ask = (requestId: string) => runner.execute('keyless', 'q', {}, { requestId });
    expect(await ask('k-1')).toMatchObject({ fallback_used: true, cached: false });
    expect(await ask('k-2')).toMatchObject({ fallback_used: true, cached: true, provider: 'scripted' });
    expect(provider.calls).toHaveLength(1);
  });

  it('makes one upstream call for identical requests that miss together (single flight)', async () => {
    const { run, provider, statuses, seen } = setup();
    provider.hold();
    const pending = Array.from({ length: 5 }, () => run('same question'));
    await new Promise((resolve) => setImmediate(resolve));
    provider.release();
    const answers = await Promise.all(pending);
    expect(provider.calls).toHaveLength(1);
    expect(new Set(answers.map((a) => a.output))).toEqual(new Set(['answer 1: same question']));
    expect(answers.map((a) => a.request_id)).toEqual(['req-1', 'req-2', 'req-3', 'req-4', 'req-5']);
    expect(answers.map((a) => a.cached)).toEqual([false, true, true, true, true]);
    expect(statuses.sort()).toEqual(['hit', 'hit', 'hit', 'hit', 'miss']);
    expect(seen.filter((e) => e.type === 'agent.execution.complete')).toHaveLength(5);
  });

  it('keeps a shared call going when the client that started it disconnects', async () => {
    const { run, provider } = setup();
    provider.hold();
    const leaver = new AbortController();
    const first = run('q', { signal: leaver.signal });
    const second = run('q');
    await new Promise((resolve) => setImmediate(resolve));
    leaver.abort(new Error('client disconnected'));
    await expect(first).rejects.toThrow('client disconnected');
    provider.release();
    expect(await second).toMatchObject({ output: 'answer 1: q', cached: true });
  });

  it('never fails a request because the store fails: runs uncached, warns once per 10 s, dispatches store.error', async () => {
    const { run, provider, logs, seen, lookups, statuses, cache } = setup({ store: brokenStore() });
    for (let i = 0; i < 3; i++) expect((await run('q')).cached).toBe(false);
    expect(provider.calls).toHaveLength(3);
    expect(lookups()).toEqual(['error', 'error', 'error']);
    expect(statuses).toEqual(['miss', 'miss', 'miss']);
    expect(seen.filter((e) => e.type === 'store.error')).toHaveLength(3);
    expect(seen.find((e) => e.type === 'store.error')).toMatchObject({ store: 'cache', backend: 'redis', operation: 'get' });
    const warnings = logs.lines.filter((l) => l['level'] === 'warn');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!['msg'])).toMatch(/cache store \(redis\) failed to get: running uncached: Command timed out/);
    // Operator actions do report the failure.
    await expect(cache.clearAll()).rejects.toThrow('Command timed out');
  });

  it('invalidates one agent, one response, or everything', async () => {
    const { run, provider, cache } = setup();
    await run('a', { context: { x: 1 } });
    await run('b');
    expect(await cache.invalidateResponse('support', 'a', { x: 1 })).toBe(true);
    expect(await cache.invalidateResponse('support', 'a', { x: 1 })).toBe(false);
    expect((await run('a', { context: { x: 1 } })).cached).toBe(false);
    expect((await run('b')).cached).toBe(true);
    await cache.invalidateAgent('support');
    expect((await run('b')).cached).toBe(false);
    await cache.clearAll();
    expect((await run('b')).cached).toBe(false);
    expect(provider.calls).toHaveLength(5);
    await expect(cache.invalidateAgent('nobody')).rejects.toBeInstanceOf(AgentNotFoundError);
    await expect(cache.invalidateResponse('nobody', 'a')).rejects.toBeInstanceOf(AgentNotFoundError);
  });

  it('offers get and set by key, for callers that assemble responses themselves (streams)', async () => {
    const { run, cache, provider } = setup();
    const key = cache.keyFor('support', 'streamed', {})!;
    expect(await cache.get(key)).toBeUndefined();
    const answer = await run('other');
    await cache.set(key, { ...answer, output: 'assembled from a stream' });
    expect(await cache.get(key)).toMatchObject({ output: 'assembled from a stream', provider: 'scripted' });
    expect(await run('streamed')).toMatchObject({ cached: true, output: 'assembled from a stream' });
    expect(provider.calls).toHaveLength(1);
    expect(cache.keyFor('nocache', 'x', {})).toBeUndefined();
    expect(cache.keyFor('nobody', 'x', {})).toBeUndefined();
  });

  describe('executeStream', () => {
    const deltas = (events: readonly AgentStreamEvent[]) => events.filter((e) => e.type === 'delta').map((e) => (e as { text: string }).text);

    it('stores a completed stream as a response, and replays a hit as start, several deltas and done, without an upstream call', async () => {
      const { runStream, run, provider, statuses, lookups, typesOf } = setup();
      const live = await runStream('Where is the parcel I ordered on Monday?');
      expect(live.events.map((e) => e.type)).toEqual(['start', ...Array<string>(10).fill('delta'), 'done']);
      expect(live.events[0]).toMatchObject({ cached: false });
      const replay = await runStream('Where is the parcel I ordered on Monday?');
      expect(replay.events[0]).toEqual({ type: 'start', request_id: replay.requestId, agent: { name: 'support', version: '1.0.0' }, provider: 'scripted', model: 'model-a', cached: true });
      expect(deltas(replay.events).length).toBeGreaterThanOrEqual(3);
      expect(deltas(replay.events).join('')).toBe('answer 1: Where is the parcel I ordered on Monday?');
      expect(replay.events.at(-1)).toMatchObject({ type: 'done', response: { request_id: replay.requestId, cached: true, attempts: 0, output: 'answer 1: Where is the parcel I ordered on Monday?' } });
      expect(provider.calls).toHaveLength(1);
      expect(statuses).toEqual(['miss', 'hit']);
      expect(lookups()).toEqual(['miss', 'hit']);
      expect(typesOf(replay.requestId)).toEqual(['agent.execution.start', 'agent.execution.complete']);
      // Stored as any response: the JSON path hits it too.
      expect(await run('Where is the parcel I ordered on Monday?')).toMatchObject({ cached: true });
    });

    it('never stores a stream that failed midway, that the consumer left, or that a fallback served', async () => {
      const { runStream, provider, typesOf, statuses } = setup();
      provider.script({ kind: 'break', parts: 2, error: new ProviderError('the upstream stream broke', { provider: 'scripted', kind: 'network', retryable: true }) });
      const broken = await runStream('q');
      expect(broken.error).toMatchObject({ kind: 'network' });
      expect(broken.events.map((e) => e.type)).toEqual(['start', 'delta', 'delta']);
      expect(typesOf(broken.requestId)).toEqual(['agent.execution.start', 'agent.execution.error']);
      const left = await runStream('q', { stopAfter: 2 });
      expect(left.events.map((e) => e.type)).toEqual(['start', 'delta']);
      expect(typesOf(left.requestId)).toEqual(['agent.execution.start', 'agent.execution.error']);
      expect(provider.streamsClosed).toBe(2);
      provider.script({ kind: 'answer', fallbackUsed: true });
      expect((await runStream('q')).events.at(-1)).toMatchObject({ type: 'done', response: { fallback_used: true } });
      expect((await runStream('q')).events.at(-1)).toMatchObject({ type: 'done', response: { cached: false } });
      expect((await runStream('q')).events.at(-1)).toMatchObject({ type: 'done', response: { cached: true } });
      expect(provider.calls).toHaveLength(4);
      expect(statuses).toEqual(['miss', 'miss', 'miss', 'miss', 'hit']);
    });

    it('ends a replay the consumer left as an abort', async () => {
      const { runStream, seen } = setup();
      await runStream('a longer answer to replay in pieces');
      const left = await runStream('a longer answer to replay in pieces', { stopAfter: 2 });
      expect(seen.filter((e) => 'requestId' in e && e.requestId === left.requestId).map((e) => e.type)).toEqual(['agent.execution.start', 'agent.execution.error']);
      expect(seen.find((e) => e.type === 'agent.execution.error' && e.requestId === left.requestId)).toMatchObject({ error: { kind: 'aborted' } });
    });

    it('follows bypass, refresh and cache_ttl 0 like execute', async () => {
      const { runStream, provider, statuses, lookups } = setup();
      await runStream('q');
      expect((await runStream('q', { cache: 'bypass' })).events.at(-1)).toMatchObject({ response: { cached: false, output: 'answer 2: q' } });
      expect((await runStream('q', { cache: 'refresh' })).events.at(-1)).toMatchObject({ response: { cached: false, output: 'answer 3: q' } });
      expect((await runStream('q')).events.at(-1)).toMatchObject({ response: { cached: true, output: 'answer 3: q' } });
      await runStream('q', { agent: 'nocache' });
      expect(provider.calls).toHaveLength(4);
      expect(statuses).toEqual(['miss', 'bypass', 'miss', 'hit', 'bypass']);
      expect(lookups()).toEqual(['miss', 'bypass', 'refresh', 'hit', 'disabled']);
    });

    it('never waits on an identical request in flight, and never makes one wait (streams stay out of single flight)', async () => {
      const { run, runStream, provider } = setup();
      provider.hold();
      const json = run('same');
      await new Promise((resolve) => setImmediate(resolve));
      const streamed = runStream('same');
      await new Promise((resolve) => setImmediate(resolve));
      // The stream made its own call instead of joining the held one.
      expect(provider.calls).toHaveLength(2);
      provider.release();
      expect((await streamed).events.at(-1)).toMatchObject({ response: { cached: false, output: 'answer 2: same' } });
      expect(await json).toMatchObject({ cached: false, output: 'answer 1: same' });
    });

    it('runs uncached when the store fails, without failing the stream', async () => {
      const { runStream, lookups, seen } = setup({ store: brokenStore() });
      expect((await runStream('q')).events.at(-1)).toMatchObject({ type: 'done', response: { cached: false } });
      expect(lookups()).toEqual(['error']);
      expect(seen.filter((e) => e.type === 'store.error').map((e) => (e as { operation: string }).operation)).toEqual(['get']);
    });

    it("leaves unknown agents to the executor's own error", async () => {
      const { runStream } = setup();
      expect((await runStream('q', { agent: 'nobody' })).error).toBeInstanceOf(AgentNotFoundError);
    });
  });

  it("leaves unknown agents to the executor's own error", async () => {
    const { run } = setup();
    await expect(run('q', { agent: 'nobody' })).rejects.toBeInstanceOf(AgentNotFoundError);
  });
});

describe('CachedAgentExecutor traces', () => {
  let tracing: InMemoryTracing;
  beforeAll(() => {
    tracing = startInMemoryTracing();
  });
  afterAll(() => tracing.stop());

  it('reads the store in a lookup span, runs a miss beside it, and gives callers who join a shared call a lookup span of their own', async () => {
    const { run, provider } = setup();
    provider.hold();
    const pending = [run('traced'), run('traced')];
    await new Promise((resolve) => setImmediate(resolve));
    provider.release();
    await Promise.all(pending);
    await run('traced');
    const spans = tracing.spans();
    expect(spans.map((span) => [span.name, span.attributes['ossa.cache.result'], span.attributes['ossa.cache.shared_call'] ?? false])).toEqual([
      ['ossa.cache.lookup', 'miss', false], //  the first caller reads the store...
      ['invoke_agent support', undefined, false], //  ...then runs the agent, after the lookup ended
      ['ossa.cache.lookup', 'hit', true], //  the second waited for the first's call
      ['ossa.cache.lookup', 'hit', false], //  the third found the answer stored
    ]);
    // Siblings: neither span is the other's parent.
    const [lookup, execution] = spans;
    expect(execution!.parentSpanContext?.spanId).not.toBe(lookup!.spanContext().spanId);
  });

  it('marks the lookup span of a failing store as an error, and the request still runs', async () => {
    tracing.reset();
    const { run } = setup({ store: brokenStore() });
    expect((await run('q')).cached).toBe(false);
    const lookup = tracing.span('ossa.cache.lookup');
    expect(lookup.attributes).toMatchObject({ 'ossa.cache.result': 'error', 'ossa.cache.backend': 'redis', 'error.type': 'Error' });
    expect(lookup.status.code).toBe(SpanStatusCode.ERROR);
  });
});
