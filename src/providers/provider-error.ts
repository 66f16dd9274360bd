/** Why a provider call failed, in terms the resilience layer can act on. */
export type ProviderErrorKind =
  | 'http' // the upstream answered with an error status
  | 'network' // connection refused, reset, DNS, TLS
  | 'timeout' // the per-attempt timeout elapsed
  | 'aborted' // the caller (usually a disconnected client) gave up
  | 'invalid_response' // the upstream answered 2xx with a body we cannot read
  | 'unavailable'; // no upstream attempt was possible (disabled, circuit open)

export interface ProviderErrorOptions {
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/**
 * The only error a `Provider` throws. The adapter that read the wire response decides
 * `retryable` and `retryAfterMs`; everything above only reads them.
 *
 * `message` is safe to show a client: it never holds a key, a prompt or an upstream body.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.provider = options.provider;
    this.kind = options.kind;
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }

  toJSON(): Record<string, unknown> {
    return {
      provider: this.provider,
      kind: this.kind,
      status: this.status,
      retryable: this.retryable,
      retry_after_ms: this.retryAfterMs,
      message: this.message,
    };
  }
}

/** Statuses worth another try: timeouts, conflicts, rate limits, server errors, Anthropic's 529. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
