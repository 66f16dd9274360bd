import type { StreamPart } from './provider.js';
import { ProviderError } from './provider-error.js';

/** The finish part of a stream. */
export type FinishPart = Extract<StreamPart, { type: 'finish' }>;

/** What an observer of a stream is told: each part, and how the stream ended (exactly once). */
export interface StreamObserver {
  /** Each part, before it is passed on. */
  part?(part: StreamPart): void;
  /** The stream reached its finish part (called before the part is passed on). */
  finished(finish: FinishPart): void;
  /**
   * The stream ended without a finish part: the upstream's error; a `ProviderError` of kind
   * `invalid_response` when it simply stopped; one of kind `aborted` when the consumer stopped
   * reading.
   */
  failed(error: unknown): void;
}

/**
 * Passes `parts` through unchanged and tells `observer` how the stream ends, whichever way it
 * does (finish, failure, truncation, a consumer that stops reading), exactly once. What the
 * decorators that watch attempts (audit records, attempt events) share.
 */
export async function* observeStream(provider: string, parts: AsyncIterable<StreamPart>, observer: StreamObserver): AsyncGenerator<StreamPart, void, undefined> {
  let ended = false;
  try {
    for await (const part of parts) {
      observer.part?.(part);
      if (part.type === 'finish' && !ended) {
        ended = true;
        observer.finished(part);
      }
      yield part;
    }
    if (!ended) {
      ended = true;
      observer.failed(new ProviderError(`${provider}: the stream ended without a finish part`, { provider, kind: 'invalid_response', retryable: true }));
    }
  } catch (error) {
    if (!ended) {
      ended = true;
      observer.failed(error);
    }
    throw error;
  } finally {
    if (!ended) observer.failed(new ProviderError(`${provider}: the consumer stopped reading the stream`, { provider, kind: 'aborted', retryable: false }));
  }
}
