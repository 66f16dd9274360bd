import type { Logger } from 'pino';
import { parseAgentRef } from '../agents/agent-ref.js';
import type { AuditRecorder } from '../audit/audit-log.js';
import { cacheHitRecord } from '../audit/audit-record.js';
import type { AgentOverrides, CacheScope } from '../config/ossa-config.js';
import type { AgentResponse, ExecuteOptions, ExecutionContext } from '../executor/agent-response.js';
import type { AgentRoute } from '../executor/agent-route.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import { AgentNotFoundError } from '../executor/execution-errors.js';
import { ThrottledWarning } from '../observability/throttled-warning.js';
import { markSpanFailed, SPAN_NAMES, withSpan } from '../observability/tracing/with-span.js';
import { cacheKeyFor, type CacheKey, type CacheKeyOptions } from './cache-key.js';
import { cachePartition, type CacheRequester } from './cache-partition.js';
import type { CacheStore } from './cache-store.js';
import { isCacheable, parseStoredEntry, serializeResponse, type StoredEntry, type StoredResponse } from './stored-response.js';

/** Where a `ResponseCache` stores, for how long, and where it reports. */
export interface ResponseCacheOptions {
  /** The agents, as the executor resolved them (keys include the manifest hash and the model). */
  readonly routes: ReadonlyMap<string, AgentRoute>;
  readonly store: CacheStore;
  /** `cache.response_ttl`, seconds. */
  readonly defaultTtlSeconds: number;
  /** `agents.<name>.cache_ttl`: seconds, 0 disables caching for that agent; `.cache_scope` replaces `scope`. */
  readonly agents?: Readonly<Record<string, AgentOverrides>>;
  /** `cache.scope`: who shares an entry (default `global`). */
  readonly scope?: CacheScope;
  /** Where `cache_hit` records go (`security.audit_logging`); absent: none are written. */
  readonly audit?: AuditRecorder;
  /** `security.audit.include_content`: `cache_hit` records carry the answer's text. */
  readonly auditContent?: boolean;
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
  /** The cached response to this input and context (the agent's own settings; `requester`'s when scoped); true when there was one. */
  invalidateResponse(agent: string, input: string, context?: ExecutionContext, requester?: CacheRequester): Promise<boolean>;
  clearAll(): Promise<void>;
}

/** What a lookup found: an entry, nothing, or a store that failed (`failed`: the request runs uncached). */
export interface CacheLookup {
  readonly entry?: StoredEntry | undefined;
  readonly failed: boolean;
}

/**
 * The response cache: keys, TTLs and the store (memory, file or Redis), for the
 * `CachedAgentExecutor` in front of the executor (`responseCache()`) and for operators
 * (`gateway.cache`, the cache routes, `cache:clear`). It never fails a request: a store error
 * is logged (at most once per 10 s), dispatched as `store.error`, and reads as a miss.
 *
 * Entries are shared within the agent's scope (`cache.scope`, `agents.<name>.cache_scope`): by
 * everyone (`global`), by the callers of one client (`client`), or by one user (`user`); the
 * scope is part of the key, so one tenant's entry is neither served to another nor overwritten
 * by another. With an audit log every request served from the cache gets a `cache_hit` record
 * naming the request whose call made the answer.
 *
 * @example
 * const cache = new ResponseCache({ routes, store: new MemoryCacheStore({ maxEntries, maxBytes }), defaultTtlSeconds: 3600, events, logger });
 * const runner = wrapRunner(executor, [responseCache(cache)]);
 * await cache.invalidateAgent('support');
 */
export class ResponseCache implements ResponseCacheControl {
  /** The agents it caches for (the `CachedAgentExecutor` in front of it reads them too). */
  readonly routes: ReadonlyMap<string, AgentRoute>;
  /** Where cache and served-request events go. */
  readonly events: EventDispatcher;
  /** Its clock, epoch milliseconds. */
  readonly now: () => number;
  private readonly trouble: ThrottledWarning;
  private lastParsed: { readonly text: string; readonly entry: StoredEntry } | undefined;

  constructor(private readonly options: ResponseCacheOptions) {
    this.routes = options.routes;
    this.events = options.events;
    this.now = options.now ?? Date.now;
    this.trouble = new ThrottledWarning(options.logger);
  }

  get backend(): CacheStore['backend'] {
    return this.options.store.backend;
  }

  /** Seconds an agent's responses are kept: `agents.<name>.cache_ttl`, else `cache.response_ttl`. */
  ttlSeconds(agent: string): number {
    // Per-agent overrides are by name: every version of an agent shares them.
    return this.options.agents?.[parseAgentRef(agent).name]?.cache_ttl ?? this.options.defaultTtlSeconds;
  }

  /** Who shares an agent's entries: `agents.<name>.cache_scope`, else `cache.scope`. */
  scopeOf(agent: string): CacheScope {
    return this.options.agents?.[parseAgentRef(agent).name]?.cache_scope ?? this.options.scope ?? 'global';
  }

  /** The key a request would be cached under (in its `clientId`'s or `userId`'s partition when scoped); undefined when not cached. */
  keyFor(agentName: string, input: string, context: ExecutionContext, options: Omit<CacheKeyOptions, 'scope'> & CacheRequester = {}): CacheKey | undefined {
    const route = this.routes.get(agentName);
    if (!route || this.ttlSeconds(agentName) === 0) return undefined;
    return this.keyOf(route, input, context, options);
  }

  /** A request's key, in the partition its agent's scope gives it. */
  keyOf(route: AgentRoute, input: string, context: ExecutionContext, options: Omit<CacheKeyOptions, 'scope'> & CacheRequester): CacheKey {
    const scope = cachePartition(this.scopeOf(route.agent.name), options);
    return cacheKeyFor(route, input, context, scope === undefined ? options : { ...options, scope });
  }

  /** Writes the `cache_hit` audit record of a request served from the cache (with an audit log). */
  auditHit(served: AgentResponse, originalRequestId: string | undefined, options: ExecuteOptions, streamed: boolean): void {
    if (!this.options.audit) return;
    const hit = { originalRequestId, userId: options.userId, scope: this.scopeOf(served.agent.name), streamed };
    this.options.audit.record(cacheHitRecord(served, hit, this.now(), this.options.auditContent === true));
  }

  /** The cached response under `key`; undefined on a miss or a store error (logged, never thrown). */
  async get(key: CacheKey): Promise<StoredResponse | undefined> {
    try {
      const text = await this.options.store.get(key);
      return text === undefined ? undefined : this.parse(key, text)?.response;
    } catch (error) {
      this.storeError('get', error);
      return undefined;
    }
  }

  /**
   * The store's entry for `key`, read inside an `ossa.cache.lookup` span (`ossa.cache.result`:
   * hit, miss or error). A failed read is logged, dispatched and reported as `failed`, never thrown.
   */
  lookup(key: CacheKey): Promise<CacheLookup> {
    return withSpan(SPAN_NAMES.cacheLookup, { 'ossa.agent': key.agent, 'ossa.cache.backend': this.backend }, async (span) => {
      try {
        const text = await this.options.store.get(key);
        const entry = text === undefined ? undefined : this.parse(key, text);
        if (span.isRecording()) span.setAttribute('ossa.cache.result', entry ? 'hit' : 'miss');
        return { entry, failed: false };
      } catch (error) {
        this.storeError('get', error);
        // Not rethrown (the request runs uncached), so the span is marked here.
        markSpanFailed(span, error);
        if (span.isRecording()) span.setAttribute('ossa.cache.result', 'error');
        return { failed: true };
      }
    });
  }

  /** Stores a response under `key` for its agent's TTL, if it is cacheable; a store error is logged, never thrown. */
  async set(key: CacheKey, response: AgentResponse): Promise<void> {
    const ttlMs = this.ttlSeconds(key.agent) * 1000;
    const route = this.routes.get(key.agent);
    if (ttlMs === 0 || !route || !isCacheable(response, route)) return;
    // A run that executed tools may have changed the world (sent the mail, refunded the order):
    // a cached answer would say it happened again without doing it. Only an agent whose tools
    // only read says its runs may be replayed (`agents.<name>.cache_tool_runs`).
    if (response.steps !== undefined && this.options.agents?.[parseAgentRef(key.agent).name]?.cache_tool_runs !== true) return;
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

  async invalidateResponse(agent: string, input: string, context: ExecutionContext = {}, requester: CacheRequester = {}): Promise<boolean> {
    return this.options.store.delete(this.keyOf(this.requireRoute(agent), input, context, requester));
  }

  async clearAll(): Promise<void> {
    await this.options.store.clear();
    this.options.logger.info({ store: this.backend }, 'cache cleared');
  }

  close(): Promise<void> {
    return this.options.store.close();
  }

  private parse(key: CacheKey, text: string): StoredEntry | undefined {
    // The memory store hands back the same string on every hit of an entry, so the last entry
    // read is kept parsed (JSON.parse and the checks were ~2.5 % of a cache hit's CPU). Only
    // the same text is reused; `servedFromCache` copies it, and nothing mutates a response.
    const last = this.lastParsed;
    if (last !== undefined && last.text === text) return last.entry;
    const entry = parseStoredEntry(text);
    if (entry) this.lastParsed = { text, entry };
    else this.trouble.warn({ store: 'cache', backend: this.backend, agent: key.agent }, 'cache entry is unreadable; treating it as a miss');
    return entry;
  }

  private requireRoute(agent: string): AgentRoute {
    const route = this.routes.get(agent);
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
}
