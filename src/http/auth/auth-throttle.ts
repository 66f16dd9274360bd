import type { Logger } from 'pino';
import type { AuthThrottleConfig } from '../../config/ossa-config.js';
import type { EventDispatcher } from '../../events/event-dispatcher.js';
import type { CredentialKind } from '../../events/gateway-events.js';
import { shapeOfLimit, type BucketShape } from '../../rate-limit/bucket-shape.js';
import type { RateLimitStore } from '../../rate-limit/rate-limit-store.js';
import { readBucket, tokensAt, type BucketState, type TakeResult, type TokenBucket } from '../../rate-limit/token-bucket.js';
import { HttpProblem } from '../problem.js';

/** Addresses whose throttling state is kept at most (the oldest are forgotten first). */
const MAX_ADDRESSES = 10_000;
/** Addresses remembered per credential kind as having authenticated successfully. */
const MAX_KNOWN_GOOD = 4_096;

/** What the throttle needs: its limits, where it reports, and optionally a store shared by every process. */
export interface AuthThrottleOptions {
  readonly config: AuthThrottleConfig;
  readonly events: EventDispatcher;
  readonly logger: Logger;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/** A throttled address or credential kind: refused unchecked until `until`. */
interface Block {
  until: number;
  /** When this burst began (a new block soon after the last one continues the burst). */
  readonly burstStart: number;
  /** Requests refused unchecked during this burst. */
  refused: number;
}

/**
 * Makes guessing keys expensive without slowing anyone who has one. Every failed check of a
 * presented credential (a client key, an admin key, the metrics token) takes one token from
 * the bucket of its source address and one from the bucket of its kind of credential
 * (`security.auth_throttle`: 10 and 100 per minute by default). Then:
 *
 * - an address whose bucket is empty gets 429 (with `Retry-After`) for every request that
 *   presents a credential, valid or not, without the key being checked, so a blocked
 *   guesser cannot tell a right guess from a wrong one;
 * - a credential kind whose bucket is empty (guesses from many addresses at once) is refused
 *   the same way, except from addresses that authenticated with such a key before: operators
 *   and clients keep working through a distributed attack.
 *
 * A valid key costs a lookup in two in-memory maps: no token, no store round trip. The state
 * that decides is in this process; with `rate_limit.storage: redis` every failure is also
 * counted in Redis, so all processes together admit no more than one process would (a
 * process learns of a block at its next failure from that address). IPv6 addresses count
 * per /64, the block an attacker usually holds. One `security.auth_throttled` event and one log
 * line per burst; `security.auth_failure` per refused request (`ossa_auth_failures_total`).
 */
export class AuthThrottle {
  readonly #config: AuthThrottleConfig;
  readonly #events: EventDispatcher;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #perAddress: BucketShape;
  readonly #perCredential: BucketShape;
  /** This process's buckets, taken from synchronously: a block holds from the very next request. */
  readonly #local = new Map<string, BucketState>();
  #shared: RateLimitStore | undefined;
  readonly #addresses = new Map<string, Block>();
  readonly #credentials = new Map<CredentialKind, Block>();
  readonly #knownGood = new Map<CredentialKind, Map<string, true>>();

  constructor(options: AuthThrottleOptions) {
    this.#config = options.config;
    this.#events = options.events;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#perAddress = shapeOfLimit(options.config.per_address);
    this.#perCredential = shapeOfLimit(options.config.per_credential);
  }

  /** Counts failures in `store` too (Redis, shared by every gateway process). */
  shareThrough(store: RateLimitStore): void {
    this.#shared = store;
  }

  /**
   * Throws a 429 `HttpProblem` when a request from `ip` presenting a `kind` credential must be
   * refused unchecked. Synchronous: two map lookups.
   */
  check(ip: string, kind: CredentialKind): void {
    if (!this.#config.enabled) return;
    const now = this.#now();
    const address = addressKey(ip);
    const byAddress = this.#addresses.get(address);
    if (byAddress !== undefined && byAddress.until > now) throw this.#refuse(byAddress, kind, now, 'too many failed authentications from your address');
    const byCredential = this.#credentials.get(kind);
    if (byCredential !== undefined && byCredential.until > now && this.#knownGood.get(kind)?.has(address) !== true) {
      throw this.#refuse(byCredential, kind, now, `too many failed authentications with ${KIND_NAMES[kind]} from many addresses`);
    }
  }

  /** A presented credential was checked and is not valid: counts it against the address and the kind. */
  failed(ip: string, kind: CredentialKind): void {
    this.#events.dispatch({ type: 'security.auth_failure', credential: kind, outcome: 'rejected' });
    if (!this.#config.enabled) return;
    const address = addressKey(ip);
    const addressBucket = { key: `authfail:address:${address}`, ...this.#perAddress };
    const credentialBucket = { key: `authfail:credential:${kind}`, ...this.#perCredential };
    // Empty after this failure (or already empty): blocked until the bucket has a token again.
    const onAddress = (result: TakeResult): void => {
      if (result.buckets[0]!.retryAfterMs > 0) this.#block(this.#addresses, address, result.buckets[0]!.retryAfterMs, intervalMs(this.#perAddress), () => this.#startedAddress(ip, address, kind));
    };
    const onCredential = (result: TakeResult): void => {
      if (result.buckets[0]!.retryAfterMs > 0) this.#block(this.#credentials, kind, result.buckets[0]!.retryAfterMs, intervalMs(this.#perCredential), () => this.#startedCredential(kind));
    };
    onAddress(this.#takeLocal(addressBucket));
    onCredential(this.#takeLocal(credentialBucket));
    if (this.#shared) {
      void this.#shared.take([addressBucket]).then(onAddress, () => undefined);
      void this.#shared.take([credentialBucket]).then(onCredential, () => undefined);
    }
    if (this.#addresses.size > MAX_ADDRESSES || this.#local.size > 2 * MAX_ADDRESSES) this.#forgetOldest(this.#now());
  }

  /** One token from a bucket of this process, if it has one (the memory store's arithmetic, without a promise). */
  #takeLocal(bucket: TokenBucket): TakeResult {
    const now = this.#now();
    const tokens = tokensAt(this.#local.get(bucket.key), bucket, now);
    const allowed = tokens >= 1;
    const after = allowed ? tokens - 1 : tokens;
    if (allowed) this.#local.set(bucket.key, { tokens: after, updatedAt: now });
    return { allowed, buckets: [readBucket(after, bucket)] };
  }

  /** A presented credential was valid: remembers the address as one that may go on during a distributed attack. */
  succeeded(ip: string, kind: CredentialKind): void {
    if (!this.#config.enabled) return;
    const address = addressKey(ip);
    let good = this.#knownGood.get(kind);
    if (good === undefined) this.#knownGood.set(kind, (good = new Map()));
    if (good.has(address)) return;
    good.set(address, true);
    if (good.size > MAX_KNOWN_GOOD) good.delete(good.keys().next().value as string);
  }

  #block<K>(blocks: Map<K, Block>, key: K, retryAfterMs: number, burstGapMs: number, started: () => void): void {
    const now = this.#now();
    const until = now + Math.max(1, retryAfterMs);
    const current = blocks.get(key);
    if (current !== undefined && current.until > now) {
      current.until = Math.max(current.until, until);
      return;
    }
    // Blocked again within an interval of the last block: the same burst, no new log line.
    if (current !== undefined && now - current.until < burstGapMs) {
      blocks.set(key, { until, burstStart: current.burstStart, refused: current.refused });
      return;
    }
    blocks.set(key, { until, burstStart: now, refused: 0 });
    started();
  }

  #startedAddress(ip: string, address: string, kind: CredentialKind): void {
    const block = this.#addresses.get(address)!;
    const retryAfterMs = block.until - block.burstStart;
    this.#events.dispatch({ type: 'security.auth_throttled', scope: 'address', credential: kind, retryAfterMs });
    const { limit, interval } = this.#config.per_address;
    this.#logger.warn(
      { address: ip, credential: kind, limit, interval, retry_after_ms: retryAfterMs },
      `failed authentication from ${ip} (${KIND_NAMES[kind]}): more than ${limit} in ${String(interval)}; its requests with a key get 429 unchecked until the bucket refills`,
    );
  }

  #startedCredential(kind: CredentialKind): void {
    const block = this.#credentials.get(kind)!;
    const retryAfterMs = block.until - block.burstStart;
    this.#events.dispatch({ type: 'security.auth_throttled', scope: 'credential', credential: kind, retryAfterMs });
    const { limit, interval } = this.#config.per_credential;
    this.#logger.warn(
      { credential: kind, limit, interval, retry_after_ms: retryAfterMs },
      `failed authentication with ${KIND_NAMES[kind]}: more than ${limit} in ${String(interval)} from all addresses; only addresses that authenticated before are checked until the bucket refills`,
    );
  }

  #refuse(block: Block, kind: CredentialKind, now: number, why: string): HttpProblem {
    block.refused++;
    this.#events.dispatch({ type: 'security.auth_failure', credential: kind, outcome: 'throttled' });
    const seconds = Math.max(1, Math.ceil((block.until - now) / 1000));
    return new HttpProblem(429, 'auth-throttled', 'Too many failed authentications', `${why}; retry in ${seconds} s`, { retry_after: seconds }, { 'retry-after': String(seconds) });
  }

  /** Drops blocks that ended an interval ago and buckets that are full again, then the oldest if still too many. */
  #forgetOldest(now: number): void {
    const gap = intervalMs(this.#perAddress);
    for (const [address, block] of this.#addresses) if (now - block.until > gap) this.#addresses.delete(address);
    while (this.#addresses.size > MAX_ADDRESSES) this.#addresses.delete(this.#addresses.keys().next().value as string);
    for (const [key, state] of this.#local) if (state.updatedAt + gap <= now) this.#local.delete(key);
    while (this.#local.size > 2 * MAX_ADDRESSES) this.#local.delete(this.#local.keys().next().value as string);
  }
}

/** The time a bucket takes to refill from empty. */
function intervalMs(shape: BucketShape): number {
  return shape.capacity / shape.refillPerMs;
}

const KIND_NAMES: Readonly<Record<CredentialKind, string>> = { client: 'a client key', admin: 'an admin key', metrics: 'the metrics token' };

/** The unit an address is counted in: IPv4 as is, IPv6 by its /64 (IPv4-mapped IPv6 as IPv4). */
export function addressKey(ip: string): string {
  if (ip.startsWith('::ffff:') && ip.includes('.')) return ip.slice('::ffff:'.length);
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
