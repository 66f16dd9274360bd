/** A Redis command that did not answer within `redis.command_timeout_ms`. */
export class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`redis did not answer within ${timeoutMs} ms`);
  }
}

/** Redis cannot be reached right now (disconnected, reconnecting): the command was not sent. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  constructor() {
    super('redis is not connected');
  }
}

/** ioredis says "Stream isn't writeable and enableOfflineQueue options is false"; operators should read what it means. */
export function explainRedisError(error: unknown): unknown {
  return error instanceof Error && error.message.startsWith("Stream isn't writeable") ? new RedisUnavailableError() : error;
}

/**
 * Rejects with `RedisTimeoutError` when `promise` has not settled `ms` after the call, without
 * blaming Redis for our own event loop: when the process was busy (a CPU-bound burst), the
 * timer and Redis's reply become due in the same loop turn, and Node runs timers before it
 * reads sockets. A plain timeout would then fail a command whose answer is already waiting,
 * and the rate limiter would fail open under exactly the load it exists for. So the timeout
 * waits one more turn (`setImmediate` runs after the socket reads) before it rejects.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new RedisTimeoutError(ms));
      });
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        reject(explainRedisError(error));
      },
    );
  });
}
