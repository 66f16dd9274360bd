import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisConfig } from '../config/ossa-config.js';
import type { ReadinessCheck } from '../http/gateway-services.js';
import { ThrottledWarning } from '../observability/throttled-warning.js';
import { displayRedisUrl } from './display-redis-url.js';

/** `redis.*` from the config, and where to log. */
export interface RedisConnectionOptions {
  readonly config: RedisConfig & { readonly url: string };
  readonly logger: Logger;
  /** How long `connect()` waits for the first connection before the gateway starts without it. */
  readonly startupWaitMs?: number;
}

/** Reconnect quickly (at most 500 ms apart) so the gateway uses Redis again soon after it returns. */
const RECONNECT_CAP_MS = 500;

/**
 * The gateway's one Redis client, shared by the rate limiter and the response cache. It fails
 * fast instead of waiting: no offline queue (a command while disconnected is rejected at once),
 * no retries of a failed command, and its users wait at most `redis.command_timeout_ms` for an
 * answer (`withDeadline`), so a dead or stalled Redis costs a request at most that timeout. ioredis reconnects by itself forever;
 * every user of the connection simply works again once it is back.
 */
export class RedisConnection {
  readonly client: Redis;
  /** Prepended to every key (`redis.key_prefix`), so several deployments can share one Redis. */
  readonly keyPrefix: string;
  /** `redis.command_timeout_ms`: the users' deadline per command (see `withDeadline`). */
  readonly commandTimeoutMs: number;
  /** `redis://host:port/db` without credentials: safe to log and show. */
  readonly displayUrl: string;
  private readonly logger: Logger;
  private readonly startupWaitMs: number;
  private readonly outage: ThrottledWarning;
  private wasDown = false;
  private closed = false;

  private constructor(options: RedisConnectionOptions) {
    this.logger = options.logger;
    this.startupWaitMs = options.startupWaitMs ?? 2_000;
    this.keyPrefix = options.config.key_prefix;
    this.commandTimeoutMs = options.config.command_timeout_ms;
    this.displayUrl = displayRedisUrl(options.config.url);
    this.outage = new ThrottledWarning(options.logger);
    this.client = new Redis(options.config.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Callers give up after command_timeout_ms (`withDeadline`); this backstop only clears
      // commands a stalled Redis never answers from ioredis's queue.
      commandTimeout: Math.max(1_000, options.config.command_timeout_ms * 20),
      connectTimeout: Math.max(1_000, options.config.command_timeout_ms * 10),
      retryStrategy: (attempt) => Math.min(attempt * 50, RECONNECT_CAP_MS),
      // Each user decides what a failed command means (fail open, run uncached); none wants a reconnect storm.
      reconnectOnError: () => false,
    });
    this.client.on('error', (error: Error) => {
      this.wasDown = true;
      this.outage.warn({ redis: this.displayUrl, error: error.message }, `redis at ${this.displayUrl} is unavailable: ${error.message}`);
    });
    this.client.on('close', () => {
      if (!this.closed) this.wasDown = true;
    });
    this.client.on('ready', () => {
      if (this.wasDown) this.logger.info({ redis: this.displayUrl }, `redis at ${this.displayUrl} is available again`);
      this.wasDown = false;
    });
  }

  /** A connection that has not connected yet: the stores can be built on it, `connect()` starts it. */
  static create(options: RedisConnectionOptions): RedisConnection {
    return new RedisConnection(options);
  }

  /**
   * Connects, waiting at most `startupWaitMs` (default 2 s) for Redis. An unreachable Redis does
   * not stop the gateway from starting: it is logged, and its users degrade (fail open or closed,
   * run uncached) until the background reconnection succeeds.
   */
  async connect(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const connected = this.client.connect().then(
      () => true,
      () => false,
    );
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.startupWaitMs);
    });
    const ok = await Promise.race([connected, timedOut]);
    clearTimeout(timer);
    if (ok) this.logger.info({ redis: this.displayUrl }, `connected to redis at ${this.displayUrl}`);
    else {
      this.wasDown = true;
      this.logger.warn({ redis: this.displayUrl }, `redis at ${this.displayUrl} is not reachable yet; starting without it and reconnecting in the background`);
    }
  }

  /** True while commands can be sent. */
  get isReady(): boolean {
    return this.client.status === 'ready';
  }

  /** `/readyz` line: a Redis outage is `fail` only for users that refuse to serve without it. */
  readiness(requiredForServing: boolean): ReadinessCheck {
    if (this.isReady) return { name: 'redis', status: 'ok', detail: this.displayUrl };
    return {
      name: 'redis',
      status: requiredForServing ? 'fail' : 'degraded',
      detail: `${this.displayUrl} is ${this.client.status}${requiredForServing ? '' : ' (serving without it)'}`,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      if (this.client.status === 'ready') await this.client.quit();
      else this.client.disconnect();
    } catch {
      this.client.disconnect();
    }
  }
}

export { displayRedisUrl };
