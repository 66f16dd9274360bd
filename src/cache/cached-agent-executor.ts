import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { parseAgentRef } from '../agents/agent-ref.js';
import type { AgentOverrides } from '../config/ossa-config.js';
import type { AgentResponse, AgentRunner, ExecuteOptions, ExecutionContext } from '../executor/agent-response.js';
import type { AgentRoute } from '../executor/agent-route.js';
import type { AgentStreamEvent } from '../executor/agent-stream-event.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { CacheLookupEvent } from '../events/gateway-events.js';
import { AgentNotFoundError } from '../executor/execution-errors.js';
import { ThrottledWarning } from '../observability/throttled-warning.js';
import { markSpanFailed, SPAN_NAMES, withSpan } from '../observability/tracing/with-span.js';
import { ProviderError } from '../providers/provider-error.js';
import { cacheKeyFor, type CacheKey } from './cache-key.js';
import type { CacheStore } from './cache-store.js';
import { replayChunks } from './replay-chunks.js';
import { isCacheable, parseStoredResponse, serializeResponse, servedFromCache, type StoredResponse } from './stored-response.js';
import { SingleFlight } from './single-flight.js';

/** What a `CachedAgentExecutor` wraps, where it stores, and for how long. */
export interface CachedAgentExecutorOptions {
  /** The executor (or any runner) that answers misses. */
  readonly inner: AgentRunner;
  readonly routes: ReadonlyMap<string, AgentRoute>;
  readonly store: CacheStore;
  /** `cache.response_ttl`, seconds. */
  readonly defaultTtlSeconds: number;
  /** `agents.<name>.cache_ttl`: seconds, 0 disables caching for that agent. */
  readonly agents?: Readonly<Record<string, AgentOverrides>>;
  readonly events: EventDispatcher;
  readonly logger: Logger;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/** The cache operations a library user or an operator needs. */
export interface ResponseCacheControl {
  readonly backend: CacheStore['backend'];
  /** Every cached response of the agent is gone, for every process sharing the store. */
  invalidateAgent(agent: string): Promise<void>;
  /** The cached response to this input and context (with the agent's own settings); true when there was one. */
  invalidateResponse(agent: string, input: string, context?: ExecutionContext): Promise<boolean>;
  clearAll(): Promise<void>;
}

type FlightOutcome = { readonly source: 'store'; readonly stored: StoredResponse } | { readonly source: 'upstream'; readonly response: AgentResponse };

/**
 * `CachedAgentExecutor`: an `AgentRunner` that answers from the response cache when it can
 * and from the executor it wraps otherwise, storing successful answers for the agent's TTL.
 * Identical requests that miss at the same time share one upstream call (single flight). The
 * cache never fails a request: a store error is logged (at most once per 10 s), dispatched as
 * `store.error`, and the request runs uncached.
 *
 * Per request, `cache: "bypass"` neither reads nor writes, and `"refresh"` skips the read but
 * stores the fresh answer. Every request served from the cache gets its own
 * `agent.execution.start` and `.complete` events with `cached: true`.
 *
 * `executeStream` follows the same rules; see there for how streams meet the cache.
 */
export class CachedAgentExecutor implements AgentRunner, ResponseCacheControl {
  private readonly flights = new SingleFlight<FlightOutcome>();
  private readonly trouble: ThrottledWarning;
  private readonly now: () => number;
  private lastParsed: { readonly text: string; readonly stored: StoredResponse } | undefined;

  constructor(private readonly options: CachedAgentExecutorOptions) {
    this.trouble = new ThrottledWarning(options.logger);
    this.now = options.now ?? Date.now;
  }

  get backend(): CacheStore['backend'] {
    return this.options.store.backend;
  }

  async execute(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): Promise<AgentResponse> {
    const startedAt = performance.now();
    const startTime = this.now();
    const { inner } = this.options;
    const route = this.options.routes.get(agentName);
    // Unknown or unrunnable agents: the executor's own 404 and 422.
    if (!route || route.provider === undefined) return inner.execute(agentName, input, context, options);
    const answer = this.reporter(agentName, options);

    const mode = options.cache ?? 'default';
    if (this.ttlMs(agentName) === 0 || mode === 'bypass') {
      answer(mode === 'bypass' ? 'bypass' : 'disabled', 'bypass');
      return inner.execute(agentName, input, context, options);
    }
    const key = cacheKeyFor(route, input, context, options);
    if (mode === 'refresh') {
      answer('refresh', 'miss');
      const response = await inner.execute(agentName, input, context, options);
      await this.set(key, response);
      return response;
    }

    const flightId = `${key.agent}\u0000${key.hash}`;
    const joining = this.flights.has(flightId);
    let outcome: FlightOutcome;
    const fly = () => this.flights.run(flightId, options.signal, (signal) => this.lookupOrRun(key, agentName, input, context, () => ({ ...options, signal: signal() }), answer));
    try {
      // A caller that joins another's call waits for it in a lookup span of its own: its trace
      // shows where the time went, though the execution is in the other request's trace.
      ({ value: outcome } = await (joining ? withSpan(SPAN_NAMES.cacheLookup, { 'ossa.agent': agentName, 'ossa.cache.backend': this.backend, 'ossa.cache.result': 'hit', 'ossa.cache.shared_call': true }, fly) : fly()));
    } catch (error) {
      // The executor reported its own failure; a caller that waited on it reports its own.
      if (joining) this.dispatchServed(route, input, context, options, startTime, startedAt, error);
      throw error;
    }
    if (!joining && outcome.source === 'upstream') return outcome.response;
    // Whoever waited on another request's call got its answer without an upstream call of its own.
    if (joining) answer('hit', 'hit');
    const stored = outcome.source === 'store' ? outcome.stored : outcome.response;
    const response = servedFromCache(stored, options.requestId, round(performance.now() - startedAt));
    this.dispatchServed(route, input, context, options, startTime, startedAt, response);
    return response;
  }

  /**
   * `execute`, streamed. A hit is replayed as a stream at once: `start`, the answer in several
   * `delta`s (`replayChunks`: pieces of about four tokens, with no delay between them), then
   * `done` with `cached: true`. A miss streams from the executor as the upstream answers, and
   * the completed answer is stored like any response (never an answer that failed or stopped
   * midway, which has no `done`, nor a fallback's). Streams stay out of single flight: a
   * stream neither waits for an identical request in flight (that would hold its first token
   * until the other's whole answer is in) nor makes others wait for it; identical requests
   * that miss at the same moment each call the upstream, and the last to finish is stored.
   */
  executeStream(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncIterable<AgentStreamEvent> {
    return this.stream(agentName, input, context, options);
  }

  /** The key a request would be cached under, or undefined when the agent is unknown or not cached. */
  keyFor(agentName: string, input: string, context: ExecutionContext, options: Pick<ExecuteOptions, 'temperature' | 'maxTokens' | 'history'> = {}): CacheKey | undefined {
    const route = this.options.routes.get(agentName);
    if (!route || this.ttlMs(agentName) === 0) return undefined;
    return cacheKeyFor(route, input, context, options);
  }

  /** The cached response under `key`; undefined on a miss or a store error (logged, never thrown). */
  async get(key: CacheKey): Promise<StoredResponse | undefined> {
    try {
      const text = await this.options.store.get(key);
      return text === undefined ? undefined : this.parse(key, text);
    } catch (error) {
      this.storeError('get', error);
      return undefined;
    }
  }

  /** Stores a response under `key` for its agent's TTL, if it is cacheable; a store error is logged, never thrown. */
  async set(key: CacheKey, response: AgentResponse): Promise<void> {
    const ttlMs = this.ttlMs(key.agent);
    const route = this.options.routes.get(key.agent);
    if (ttlMs === 0 || !route || !isCacheable(response, route)) return;
    try {
      await this.options.store.set(key, serializeResponse(response, this.now()), ttlMs);
    } catch (error) {
      this.storeError('set', error);
    }
  }

  async invalidateAgent(agent: string): Promise<void> {
    this.requireRoute(agent);
    await this.options.store.invalidateAgent(agent);
    this.options.logger.info({ agent, store: this.backend }, `cache invalidated for agent ${agent}`);
  }

  async invalidateResponse(agent: string, input: string, context: ExecutionContext = {}): Promise<boolean> {
    return this.options.store.delete(cacheKeyFor(this.requireRoute(agent), input, context));
  }

  async clearAll(): Promise<void> {
    await this.options.store.clear();
    this.options.logger.info({ store: this.backend }, 'cache cleared');
  }

  /** Seconds an agent's responses are kept: `agents.<name>.cache_ttl`, else `cache.response_ttl`. */
  ttlSeconds(agent: string): number {
    // Per-agent overrides are by name: every version of an agent shares them.
    return this.options.agents?.[parseAgentRef(agent).name]?.cache_ttl ?? this.options.defaultTtlSeconds;
  }

  close(): Promise<void> {
    return this.options.store.close();
  }

  private ttlMs(agent: string): number {
    return this.ttlSeconds(agent) * 1000;
  }

  /** The one call of a flight: the store, then (on a miss) the executor, storing what it answers. */
  private async lookupOrRun(
    key: CacheKey,
    /** As the caller named it: `name@version` must reach that version, not the newest. */
    agentName: string,
    input: string,
    context: ExecutionContext,
    /** The options of the upstream call, with the flight's signal: made on a miss only. */
    optionsForCall: () => ExecuteOptions,
    answer: (result: CacheLookupEvent['result'], status: 'hit' | 'miss') => void,
  ): Promise<FlightOutcome> {
    const { stored, failed: storeFailed } = await this.readStore(key);
    if (stored) {
      answer('hit', 'hit');
      return { source: 'store', stored };
    }
    answer(storeFailed ? 'error' : 'miss', 'miss');
    // After the lookup's span has ended: the execution is its sibling under the request, not its child.
    const response = await this.options.inner.execute(agentName, input, context, optionsForCall());
    // A store that just failed would most likely fail again: do not make the answer wait on it twice.
    if (!storeFailed) await this.set(key, response);
    return { source: 'upstream', response };
  }

  /** `execute`'s rules for a stream (see `executeStream`). */
  private async *stream(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncGenerator<AgentStreamEvent, void, undefined> {
    const startedAt = performance.now();
    const startTime = this.now();
    const { inner } = this.options;
    const route = this.options.routes.get(agentName);
    if (!route || route.provider === undefined) return yield* inner.executeStream(agentName, input, context, options);
    const answer = this.reporter(agentName, options);

    const mode = options.cache ?? 'default';
    if (this.ttlMs(agentName) === 0 || mode === 'bypass') {
      answer(mode === 'bypass' ? 'bypass' : 'disabled', 'bypass');
      return yield* inner.executeStream(agentName, input, context, options);
    }
    const key = cacheKeyFor(route, input, context, options);
    let storeFailed = false;
    if (mode === 'refresh') answer('refresh', 'miss');
    else {
      const read = await this.readStore(key);
      if (read.stored) {
        answer('hit', 'hit');
        return yield* this.replay(route, read.stored, input, context, options, startTime, startedAt);
      }
      storeFailed = read.failed;
      answer(storeFailed ? 'error' : 'miss', 'miss');
    }
    for await (const event of inner.executeStream(agentName, input, context, options)) {
      // A store that just failed would most likely fail again: do not try it twice.
      if (event.type !== 'done' || storeFailed) {
        yield event;
        continue;
      }
      // Written while `done` goes out: the end of the answer never waits on the store.
      const storing = this.set(key, event.response);
      yield event;
      await storing;
    }
  }

  /** A cached answer as a stream, with the execution events of a request served from the cache. */
  private async *replay(
    route: AgentRoute,
    stored: StoredResponse,
    input: string,
    context: ExecutionContext,
    options: ExecuteOptions,
    startTime: number,
    startedAt: number,
  ): AsyncGenerator<AgentStreamEvent, void, undefined> {
    const settle = this.openServed(route, input, context, options, startTime, startedAt);
    let settled = false;
    try {
      yield { type: 'start', request_id: options.requestId, agent: stored.agent, provider: stored.provider, model: stored.model, cached: true };
      for (const text of replayChunks(stored.output)) yield { type: 'delta', text };
      const response = servedFromCache(stored, options.requestId, round(performance.now() - startedAt));
      settled = true;
      settle(response);
      yield { type: 'done', response };
    } finally {
      // The consumer stopped reading midway: an abort, as for a live stream.
      if (!settled) settle(new ProviderError(`${stored.provider}: the client stopped reading the stream`, { provider: stored.provider, kind: 'aborted', retryable: false }));
    }
  }

  /** Reports a lookup: the `cache.lookup` event, and the request's cache status (`X-Cache`). */
  private reporter(agentName: string, options: ExecuteOptions): (result: CacheLookupEvent['result'], status: 'hit' | 'miss' | 'bypass') => void {
    return (result, status) => {
      this.options.events.dispatch({ type: 'cache.lookup', agent: agentName, result });
      options.onCacheStatus?.(status);
    };
  }

  /**
   * The store's entry for `key`, read inside an `ossa.cache.lookup` span (`ossa.cache.result`:
   * hit, miss or error). A failed read is logged, dispatched and reported as `failed`, never thrown:
   * the request runs uncached.
   */
  private readStore(key: CacheKey): Promise<{ readonly stored?: StoredResponse | undefined; readonly failed: boolean }> {
    return withSpan(SPAN_NAMES.cacheLookup, { 'ossa.agent': key.agent, 'ossa.cache.backend': this.backend }, async (span) => {
      try {
        const text = await this.options.store.get(key);
        const stored = text === undefined ? undefined : this.parse(key, text);
        if (span.isRecording()) span.setAttribute('ossa.cache.result', stored ? 'hit' : 'miss');
        return { stored, failed: false };
      } catch (error) {
        this.storeError('get', error);
        // Not rethrown (the request runs uncached), so the span is marked here.
        markSpanFailed(span, error);
        if (span.isRecording()) span.setAttribute('ossa.cache.result', 'error');
        return { failed: true };
      }
    });
  }

  private parse(key: CacheKey, text: string): StoredResponse | undefined {
    // The memory store hands back the same string on every hit of an entry, so the last entry
    // read is kept parsed (JSON.parse and the checks were ~2.5 % of a cache hit's CPU). Only
    // the same text is reused; `servedFromCache` copies it, and nothing mutates a response.
    const last = this.lastParsed;
    if (last !== undefined && last.text === text) return last.stored;
    const stored = parseStoredResponse(text);
    if (stored) this.lastParsed = { text, stored };
    if (!stored) this.trouble.warn({ store: 'cache', backend: this.backend, agent: key.agent }, 'cache entry is unreadable; treating it as a miss');
    return stored;
  }

  private requireRoute(agent: string): AgentRoute {
    const route = this.options.routes.get(agent);
    if (!route) throw new AgentNotFoundError(agent);
    return route;
  }

  private storeError(operation: string, error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.options.events.dispatch({ type: 'store.error', store: 'cache', backend: this.backend, operation, error: err });
    this.trouble.warn(
      { store: 'cache', backend: this.backend, operation, error: err.message },
      `cache store (${this.backend}) failed to ${operation}: running uncached: ${err.message}`,
    );
  }

  /** The execution events of a request the executor did not run itself (served from the cache, or a shared call's failure). */
  private dispatchServed(route: AgentRoute, input: string, context: ExecutionContext, options: ExecuteOptions, startTime: number, startedAt: number, outcome: AgentResponse | unknown): void {
    this.openServed(route, input, context, options, startTime, startedAt)(outcome);
  }

  /** Dispatches the start event of such a request now; the returned function dispatches its completion or error. */
  private openServed(route: AgentRoute, input: string, context: ExecutionContext, options: ExecuteOptions, startTime: number, startedAt: number): (outcome: AgentResponse | unknown) => void {
    const { events } = this.options;
    const base = { requestId: options.requestId, agent: route.agent, ...(options.userId !== undefined ? { userId: options.userId } : {}), startTime };
    events.dispatch({ type: 'agent.execution.start', ...base, input, context });
    return (outcome) => {
      const duration = round(performance.now() - startedAt);
      if (isResponse(outcome)) events.dispatch({ type: 'agent.execution.complete', ...base, response: outcome, endTime: this.now(), duration });
      else events.dispatch({ type: 'agent.execution.error', ...base, input, context, error: outcome instanceof Error ? outcome : new Error(String(outcome)), errorTime: this.now(), duration });
    };
  }
}

function isResponse(value: unknown): value is AgentResponse {
  return typeof value === 'object' && value !== null && 'request_id' in value && 'output' in value;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
