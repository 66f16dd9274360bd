import { createHash } from 'node:crypto';
import type { AgentDefinition } from '../agents/agent-definition.js';
import type { RateLimitBucketConfig } from '../config/ossa-config.js';
import { parseDuration } from '../config/durations.js';

/** A bucket's size and refill rate, before it is given a key. */
export interface BucketShape {
  readonly capacity: number;
  readonly refillPerMs: number;
}

/** `{limit: 100, interval: "1 hour"}`: 100 tokens, the whole 100 refilled over an hour. */
export function shapeOfLimit(config: RateLimitBucketConfig): BucketShape {
  return { capacity: config.limit, refillPerMs: config.limit / parseDuration(config.interval) };
}

/** The manifest's `spec.safety.rate_limiting`: bursts of `burst_limit`, `requests_per_minute` sustained. */
export function shapeOfAgent(rateLimit: NonNullable<AgentDefinition['rateLimit']>): BucketShape {
  return { capacity: rateLimit.burstLimit, refillPerMs: rateLimit.requestsPerMinute / 60_000 };
}

/** Short ids of these characters are kept as they are; `%` is the escape of composite ids (`callerIdOf`), `=` is not allowed. */
const READABLE_ID = /^[A-Za-z0-9._:@%-]{1,128}$/;

/**
 * The bucket key part for a user id: the id itself when it is short and plain (operators can
 * read `user:10.0.0.7` or `user:web:alice` in Redis), else `sha256=<hex>` of it, so a hostile
 * `X-User-Id` cannot make huge or odd keys. The `=` never appears in a readable id, so no id
 * kept as written can equal another's digest form.
 */
export function userKeyPart(userId: string): string {
  return READABLE_ID.test(userId) ? userId : `sha256=${createHash('sha256').update(userId).digest('hex')}`;
}
