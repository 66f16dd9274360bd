import { ProviderError } from '../providers/provider-error.js';
import type { FailoverReason } from './provider-failure.js';

/** One provider of an agent's chain and why it did not answer (the 503's `providers_tried`). */
export interface ProviderTried {
  readonly provider: string;
  readonly model: string;
  readonly reason: FailoverReason;
  /** The provider's error message (safe to show: never a key, a prompt or an upstream body). */
  readonly detail: string;
  /** Upstream status of the last attempt, when it answered. */
  readonly status?: number;
  /** Upstream attempts made (0 for a disabled provider or an open circuit). */
  readonly attempts: number;
  /** When this provider is worth asking again, when known. */
  readonly retry_after_ms?: number;
}

/**
 * No provider of an agent's chain answered. A 503 when any of them may answer later (an
 * upstream outage, an open circuit, a disabled provider), a 502 when every one refused the
 * call; `Retry-After` is the soonest moment one of them is worth asking again (for an open
 * circuit, when it half-opens). `attemptsByProvider` lists each provider tried and why.
 */
export class AllProvidersFailedError extends ProviderError {
  readonly attemptsByProvider: readonly ProviderTried[];
  /** Upstream attempts across the whole chain. */
  readonly attempts: number;

  constructor(tried: readonly ProviderTried[], cause: ProviderError | undefined) {
    const only = tried.length === 1 ? tried[0] : undefined;
    const temporary = tried.some((t) => t.reason !== 'not_retryable');
    const retryAfter = tried.map((t) => t.retry_after_ms).filter((ms): ms is number => ms !== undefined);
    const status = only?.status ?? (temporary ? undefined : tried[0]?.status);
    super(only ? only.detail : `every provider failed: ${tried.map((t) => `${t.detail} [${t.reason}]`).join('; ')}`, {
      provider: tried[0]?.provider ?? 'none',
      kind: only && cause ? cause.kind : temporary ? 'unavailable' : 'http',
      ...(status !== undefined ? { status } : {}),
      retryable: temporary,
      ...(retryAfter.length > 0 ? { retryAfterMs: Math.min(...retryAfter) } : {}),
      ...(cause ? { cause } : {}),
    });
    this.attemptsByProvider = tried;
    this.attempts = tried.reduce((sum, t) => sum + t.attempts, 0);
  }
}
