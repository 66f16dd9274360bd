import { performance } from 'node:perf_hooks';
import type { AgentResponse, AgentRunner, ExecuteOptions, ExecutionContext } from '../executor/agent-response.js';
import type { AgentRoute } from '../executor/agent-route.js';
import type { AgentStreamEvent } from '../executor/agent-stream-event.js';
import type { CacheLookupEvent } from '../events/gateway-events.js';
import { SPAN_NAMES, withSpan } from '../observability/tracing/with-span.js';
import type { RunnerLayer } from '../pipeline/wrap.js';
import { ProviderError } from '../providers/provider-error.js';
import type { CacheKey } from './cache-key.js';
import { replayChunks } from './replay-chunks.js';
import type { ResponseCache } from './response-cache.js';
import { servedFromCache, type StoredEntry } from './stored-response.js';
import { SingleFlight } from './single-flight.js';

type FlightOutcome = { readonly source: 'store'; readonly entry: StoredEntry } | { readonly source: 'upstream'; readonly response: AgentResponse };

/**
 * `CachedAgentExecutor`: an `AgentRunner` decorator that answers from the `ResponseCache` when
 * it can and from the runner it wraps otherwise, storing successful answers for the agent's
 * TTL. Identical requests that miss at the same time share one upstream call (single flight).
 * The cache never fails a request: a store error is logged (at most once per 10 s),
 * dispatched as `store.error`, and the request runs uncached.
 *
 * Per request, `cache: "bypass"` neither reads nor writes, and `"refresh"` skips the read but
 * stores the fresh answer. Every request served from the cache gets its own
 * `agent.execution.start` and `.complete` events with `cached: true`.
 *
 * `executeStream` follows the same rules; see there for how streams meet the cache.
 *
 * @example
 * const runner = new CachedAgentExecutor(executor, cache);
 */
export class CachedAgentExecutor implements AgentRunner {
  private readonly flights = new SingleFlight<FlightOutcome>();
  private readonly now: () => number;

  constructor(
    private readonly inner: AgentRunner,
    private readonly cache: ResponseCache,
  ) {
    this.now = cache.now;
  }

  async execute(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): Promise<AgentResponse> {
    const startedAt = performance.now();
    const startTime = this.now();
    const { inner, cache } = this;
    const route = cache.routes.get(agentName);
    // Unknown or unrunnable agents: the executor's own 404 and 422.
    if (!route || route.provider === undefined) return inner.execute(agentName, input, context, options);
    const answer = this.reporter(agentName, options);

    const mode = options.cache ?? 'default';
    if (cache.ttlSeconds(agentName) === 0 || mode === 'bypass') {
      answer(mode === 'bypass' ? 'bypass' : 'disabled', 'bypass');
      return inner.execute(agentName, input, context, options);
    }
    const key = cache.keyOf(route, input, context, options);
    if (mode === 'refresh') {
      answer('refresh', 'miss');
      const response = await inner.execute(agentName, input, context, options);
      await cache.set(key, response);
      return response;
    }

    const flightId = `${key.agent}\u0000${key.hash}`;
    const joining = this.flights.has(flightId);
    let outcome: FlightOutcome;
    const fly = () => this.flights.run(flightId, options.signal, (signal) => this.lookupOrRun(key, agentName, input, context, () => ({ ...options, signal: signal() }), answer));
    try {
      // A caller that joins another's call waits for it in a lookup span of its own: its trace
      // shows where the time went, though the execution is in the other request's trace.
      ({ value: outcome } = await (joining ? withSpan(SPAN_NAMES.cacheLookup, { 'ossa.agent': agentName, 'ossa.cache.backend': cache.backend, 'ossa.cache.result': 'hit', 'ossa.cache.shared_call': true }, fly) : fly()));
    } catch (error) {
      // The executor reported its own failure; a caller that waited on it reports its own.
      if (joining) this.dispatchServed(route, input, context, options, startTime, startedAt, error);
      throw error;
    }
    if (!joining && outcome.source === 'upstream') return outcome.response;
    // Whoever waited on another request's call got its answer without an upstream call of its own.
    if (joining) answer('hit', 'hit');
    const stored = outcome.source === 'store' ? outcome.entry.response : outcome.response;
    const response = servedFromCache(stored, options.requestId, round(performance.now() - startedAt));
    cache.auditHit(response, outcome.source === 'store' ? outcome.entry.requestId : outcome.response.request_id, options, false);
    this.dispatchServed(route, input, context, options, startTime, startedAt, response);
    return response;
  }

  /**
   * `execute`, streamed. A hit is replayed as a stream at once: `start`, the answer in several
   * `delta`s (`replayChunks`: pieces of about four tokens, with no delay between them), its
   * tool calls (each one's start, arguments and end), then `done` with `cached: true`. A miss streams from the executor as the upstream answers, and
   * the completed answer is stored like any response (never an answer that failed or stopped
   * midway, which has no `done`, nor a fallback's). Streams stay out of single flight: a
   * stream neither waits for an identical request in flight (that would hold its first token
   * until the other's whole answer is in) nor makes others wait for it; identical requests
   * that miss at the same moment each call the upstream, and the last to finish is stored.
   */
  executeStream(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncIterable<AgentStreamEvent> {
    return this.stream(agentName, input, context, options);
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
    const { entry, failed: storeFailed } = await this.cache.lookup(key);
    if (entry) {
      answer('hit', 'hit');
      return { source: 'store', entry };
    }
    answer(storeFailed ? 'error' : 'miss', 'miss');
    // After the lookup's span has ended: the execution is its sibling under the request, not its child.
    const response = await this.inner.execute(agentName, input, context, optionsForCall());
    // A store that just failed would most likely fail again: do not make the answer wait on it twice.
    if (!storeFailed) await this.cache.set(key, response);
    return { source: 'upstream', response };
  }

  /** `execute`'s rules for a stream (see `executeStream`). */
  private async *stream(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncGenerator<AgentStreamEvent, void, undefined> {
    const startedAt = performance.now();
    const startTime = this.now();
    const { inner, cache } = this;
    const route = cache.routes.get(agentName);
    if (!route || route.provider === undefined) return yield* inner.executeStream(agentName, input, context, options);
    const answer = this.reporter(agentName, options);

    const mode = options.cache ?? 'default';
    if (cache.ttlSeconds(agentName) === 0 || mode === 'bypass') {
      answer(mode === 'bypass' ? 'bypass' : 'disabled', 'bypass');
      return yield* inner.executeStream(agentName, input, context, options);
    }
    const key = cache.keyOf(route, input, context, options);
    let storeFailed = false;
    if (mode === 'refresh') answer('refresh', 'miss');
    else {
      const read = await cache.lookup(key);
      if (read.entry) {
        answer('hit', 'hit');
        return yield* this.replay(route, read.entry, input, context, options, startTime, startedAt);
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
      const storing = cache.set(key, event.response);
      yield event;
      await storing;
    }
  }

  /** A cached answer as a stream, with the execution events of a request served from the cache. */
  private async *replay(
    route: AgentRoute,
    entry: StoredEntry,
    input: string,
    context: ExecutionContext,
    options: ExecuteOptions,
    startTime: number,
    startedAt: number,
  ): AsyncGenerator<AgentStreamEvent, void, undefined> {
    const stored = entry.response;
    const settle = this.openServed(route, input, context, options, startTime, startedAt);
    let settled = false;
    try {
      yield { type: 'start', request_id: options.requestId, agent: stored.agent, provider: stored.provider, model: stored.model, cached: true };
      for (const text of replayChunks(stored.output)) yield { type: 'delta', text };
      // Tool calls as a live stream sends them: each whole call as its start, its arguments, its end.
      const calls = stored.tool_calls ?? [];
      for (let index = 0; index < calls.length; index++) {
        const call = calls[index]!;
        yield { type: 'tool_call_start', index, id: call.id, name: call.name };
        if (call.arguments !== '') yield { type: 'tool_call_delta', index, arguments: call.arguments };
        yield { type: 'tool_call_end', index };
      }
      const response = servedFromCache(stored, options.requestId, round(performance.now() - startedAt));
      settled = true;
      this.cache.auditHit(response, entry.requestId, options, true);
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
      this.cache.events.dispatch({ type: 'cache.lookup', agent: agentName, result });
      options.onCacheStatus?.(status);
    };
  }

  /** The execution events of a request the executor did not run itself (served from the cache, or a shared call's failure). */
  private dispatchServed(route: AgentRoute, input: string, context: ExecutionContext, options: ExecuteOptions, startTime: number, startedAt: number, outcome: AgentResponse | unknown): void {
    this.openServed(route, input, context, options, startTime, startedAt)(outcome);
  }

  /** Dispatches the start event of such a request now; the returned function dispatches its completion or error. */
  private openServed(route: AgentRoute, input: string, context: ExecutionContext, options: ExecuteOptions, startTime: number, startedAt: number): (outcome: AgentResponse | unknown) => void {
    const { events } = this.cache;
    const base = { requestId: options.requestId, agent: route.agent, ...(options.userId !== undefined ? { userId: options.userId } : {}), startTime };
    events.dispatch({ type: 'agent.execution.start', ...base, input, context });
    return (outcome) => {
      const duration = round(performance.now() - startedAt);
      if (isResponse(outcome)) events.dispatch({ type: 'agent.execution.complete', ...base, response: outcome, endTime: this.now(), duration });
      else events.dispatch({ type: 'agent.execution.error', ...base, input, context, error: outcome instanceof Error ? outcome : new Error(String(outcome)), errorTime: this.now(), duration });
    };
  }
}

/**
 * The `responseCache()` layer, inside `rateLimit()` (a rejected request costs no lookup) and
 * in front of the executor: answers from `cache`, and from whatever is inside it otherwise.
 *
 * @example
 * const runner = wrapRunner(executor, [limiter && rateLimit(limiter, routes), cache && responseCache(cache)]);
 */
export function responseCache(cache: ResponseCache): RunnerLayer {
  return (inner) => new CachedAgentExecutor(inner, cache);
}

function isResponse(value: unknown): value is AgentResponse {
  return typeof value === 'object' && value !== null && 'request_id' in value && 'output' in value;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
