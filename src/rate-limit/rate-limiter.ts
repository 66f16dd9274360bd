import { SpanStatusCode } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { AgentDefinition } from '../agents/agent-definition.js';
import type { ClientConfig, RateLimitConfig } from '../config/ossa-config.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { RateLimitDecisionEvent } from '../events/gateway-events.js';
import { ThrottledWarning } from '../observability/throttled-warning.js';
import { SPAN_NAMES, withSpan } from '../observability/tracing/with-span.js';
import { shapeOfAgent, shapeOfLimit, userKeyPart, type BucketShape } from './bucket-shape.js';
import type { RateLimitStore } from './rate-limit-store.js';
import type { BucketReading, TakeResult, TokenBucket } from './token-bucket.js';

/** Which limit a bucket enforces: the user's, the whole gateway's, or one agent's. */
export type RateLimitScope = 'user' | 'global' | 'agent';

/** Who is asking for which agent. */
export interface RateLimitSubject {
  readonly agent: AgentDefinition;
  /** The user's id (namespaced by client when clients are configured). */
  readonly userId: string;
  /** The authenticated client, whose `rate_limit.user` replaces the configured one. */
  readonly clientId?: string;
}

/** The bucket a client is told about: the one closest to running out. */
export interface LimitStatus {
  readonly scope: RateLimitScope;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the bucket is full again. */
  readonly resetSeconds: number;
}

/** What the limiter decided for one request. */
export type RateLimitVerdict =
  /** `status` is absent when no bucket applies to the request. */
  | { readonly outcome: 'admitted'; readonly status?: LimitStatus }
  | { readonly outcome: 'rejected'; readonly scope: RateLimitScope; readonly status: LimitStatus; readonly retryAfterSeconds: number }
  /** The store failed: `admitted` is `rate_limit.fail_open`. */
  | { readonly outcome: 'store-failed'; readonly admitted: boolean };

/** The store, the limits, and where the limiter reports. */
export interface RateLimiterOptions {
  readonly store: RateLimitStore;
  readonly config: RateLimitConfig;
  /** `security.clients`, for their `rate_limit.user` overrides. */
  readonly clients?: readonly Pick<ClientConfig, 'id' | 'rate_limit'>[];
  readonly events: EventDispatcher;
  readonly logger: Logger;
}

/** When several buckets are empty, the one named is the most specific: the user's own first. */
const BLAME_ORDER: readonly RateLimitScope[] = ['user', 'agent', 'global'];

/**
 * Token buckets per user, global and per agent (the manifest's `spec.safety.rate_limiting`),
 * checked in one atomic call to the store: a request is admitted only if every bucket that
 * applies has a token, and a rejected request takes none, so a user over their limit does not
 * drain the global bucket. A store that fails admits (`fail_open: true`, the default) or
 * refuses (`fail_open: false`); either way it is logged at most once per 10 s and dispatched
 * as `store.error`.
 */
export class RateLimiter {
  private readonly user?: BucketShape;
  private readonly global?: BucketShape;
  private readonly clientUser = new Map<string, BucketShape>();
  private readonly agentShapes = new WeakMap<AgentDefinition, BucketShape | null>();
  private readonly outage: ThrottledWarning;
  /** Requests admitted without a check because the store failed. */
  failOpenAdmissions = 0;
  /** Requests refused because the store failed (`fail_open: false`). */
  failClosedRejections = 0;

  constructor(private readonly options: RateLimiterOptions) {
    const { config } = options;
    if (config.user) this.user = shapeOfLimit(config.user);
    if (config.global) this.global = shapeOfLimit(config.global);
    for (const client of options.clients ?? []) {
      if (client.rate_limit?.user) this.clientUser.set(client.id, shapeOfLimit(client.rate_limit.user));
    }
    this.outage = new ThrottledWarning(options.logger);
  }

  get backend(): RateLimitStore['backend'] {
    return this.options.store.backend;
  }

  /** The buckets that apply to a request, in the order user, agent, global. */
  bucketsFor(subject: RateLimitSubject): (TokenBucket & { readonly scope: RateLimitScope })[] {
    const buckets: (TokenBucket & { readonly scope: RateLimitScope })[] = [];
    const user = (subject.clientId !== undefined ? this.clientUser.get(subject.clientId) : undefined) ?? this.user;
    if (user) buckets.push({ scope: 'user', key: `user:${userKeyPart(subject.userId)}`, ...user });
    const agent = this.agentShape(subject.agent);
    if (agent) buckets.push({ scope: 'agent', key: `agent:${subject.agent.name}`, ...agent });
    if (this.global) buckets.push({ scope: 'global', key: 'global', ...this.global });
    return buckets;
  }

  /**
   * Takes a token from every bucket that applies, in one store call, inside an
   * `ossa.rate_limit.check` span (a child of the request's; a no-op without a tracing SDK).
   */
  async check(subject: RateLimitSubject): Promise<RateLimitVerdict> {
    const buckets = this.bucketsFor(subject);
    if (buckets.length === 0) return { outcome: 'admitted' };
    return withSpan(SPAN_NAMES.rateLimitCheck, { 'ossa.agent': subject.agent.name, 'ossa.rate_limit.backend': this.backend }, async (span) => {
      const verdict = await this.take(subject, buckets);
      if (span.isRecording()) {
        span.setAttribute('ossa.rate_limit.outcome', verdict.outcome);
        if (verdict.outcome === 'rejected') span.setAttribute('ossa.rate_limit.scope', verdict.scope);
        // The request may go on (fail_open), but a dependency failed: worth a red span.
        if (verdict.outcome === 'store-failed') span.setStatus({ code: SpanStatusCode.ERROR, message: `rate limit store (${this.backend}) failed` });
      }
      return verdict;
    });
  }

  private async take(subject: RateLimitSubject, buckets: (TokenBucket & { readonly scope: RateLimitScope })[]): Promise<RateLimitVerdict> {
    let result: TakeResult;
    try {
      result = await this.options.store.take(buckets);
    } catch (error) {
      return this.storeFailed(error);
    }
    const readings = buckets.map((bucket, i) => ({ bucket, reading: result.buckets[i]! }));
    const remaining: { -readonly [K in RateLimitScope]?: number } = {};
    for (const { bucket, reading } of readings) remaining[bucket.scope] = reading.remaining;
    const status = (entry: { bucket: { scope: RateLimitScope; capacity: number }; reading: BucketReading }): LimitStatus => ({
      scope: entry.bucket.scope,
      limit: entry.bucket.capacity,
      remaining: entry.reading.remaining,
      resetSeconds: Math.ceil(entry.reading.resetMs / 1000),
    });

    if (result.allowed) {
      this.decide({ agent: subject.agent.name, allowed: true, remaining });
      // The bucket closest to running out is the one worth telling the client about.
      const tightest = readings.reduce((a, b) => (b.reading.remaining < a.reading.remaining || (b.reading.remaining === a.reading.remaining && b.reading.resetMs > a.reading.resetMs) ? b : a));
      return { outcome: 'admitted', status: status(tightest) };
    }
    const empty = readings.filter((entry) => entry.reading.retryAfterMs > 0);
    const blamed = BLAME_ORDER.map((scope) => empty.find((entry) => entry.bucket.scope === scope)).find((entry) => entry !== undefined) ?? readings[0]!;
    // Admission needs a token in every bucket, so the wait is the longest of the empty ones.
    const retryAfterMs = Math.max(...empty.map((entry) => entry.reading.retryAfterMs), 1);
    this.decide({ agent: subject.agent.name, allowed: false, scope: blamed.bucket.scope, remaining, retryAfterMs });
    return { outcome: 'rejected', scope: blamed.bucket.scope, status: status(blamed), retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
  }

  private agentShape(agent: AgentDefinition): BucketShape | undefined {
    let shape = this.agentShapes.get(agent);
    if (shape === undefined) {
      shape = agent.rateLimit ? shapeOfAgent(agent.rateLimit) : null;
      this.agentShapes.set(agent, shape);
    }
    return shape ?? undefined;
  }

  private decide(decision: Omit<RateLimitDecisionEvent, 'type'>): void {
    this.options.events.dispatch({ type: 'rate_limit.decision', ...decision });
  }

  private storeFailed(error: unknown): RateLimitVerdict {
    const err = error instanceof Error ? error : new Error(String(error));
    const admitted = this.options.config.fail_open;
    if (admitted) this.failOpenAdmissions++;
    else this.failClosedRejections++;
    this.options.events.dispatch({ type: 'store.error', store: 'rate_limit', backend: this.options.store.backend, operation: 'take', error: err });
    this.outage.warn(
      { store: 'rate_limit', backend: this.options.store.backend, error: err.message, fail_open: admitted },
      `rate limit store (${this.options.store.backend}) failed: ${admitted ? 'admitting requests unchecked (fail_open)' : 'refusing requests with 503 (fail_open: false)'}: ${err.message}`,
    );
    return { outcome: 'store-failed', admitted };
  }
}
