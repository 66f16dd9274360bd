import { isPartList } from '../http/read-parts.js';
import { UpstreamClient } from '../http/upstream-client.js';
import { invalidResponse } from '../http/upstream-error.js';
import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart } from '../provider.js';
import { ConstantBodyParts } from '../http/constant-body-parts.js';
import { toAnthropicRequestJson } from './anthropic-request.js';
import { AnthropicStreamReader, isAnthropicStreamEnd } from './anthropic-stream-reader.js';
import { fromAnthropicMessage } from './anthropic-wire.js';

/** The Messages API's default address. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** The API version this adapter speaks. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** How to reach one Anthropic account. */
export interface AnthropicProviderOptions {
  /** The configured name (`providers.<name>`); every result and error carries it. */
  readonly name: string;
  /** The plain key (the secrets layer unwraps it); sent as `x-api-key`, never logged. */
  readonly apiKey: string;
  /** Default `https://api.anthropic.com`; a path prefix is kept (for proxies). */
  readonly baseUrl?: string;
  /** Per attempt: the whole answer for `complete`, each wait for upstream bytes for `stream`. */
  readonly timeoutMs: number;
  /** Keep-alive connections to the upstream (default 64). */
  readonly maxConnections?: number;
  /** Largest answer read, JSON or a whole stream (default 32 MiB); see `UpstreamClientOptions`. */
  readonly maxResponseBytes?: number;
}

/**
 * Anthropic's Messages API (`POST /v1/messages`) as a `Provider`, JSON and streamed (SSE).
 * Failures are `ProviderError`s classified here: 408/409/429/5xx/529, network errors,
 * timeouts, malformed or truncated answers and `overloaded_error` stream events are retryable.
 *
 * @example
 * const anthropic = new AnthropicProvider({ name: 'anthropic', apiKey, timeoutMs: 60_000 });
 * const result = await anthropic.complete(call, AbortSignal.timeout(120_000));
 * await anthropic.close();
 */
export class AnthropicProvider implements Provider {
  readonly name: string;
  readonly type: ProviderType = 'anthropic';
  readonly #client: UpstreamClient;
  readonly #headers: Readonly<Record<string, string>>;
  /** The constant part of each route's body, serialised once. */
  readonly #bodies = new ConstantBodyParts();

  constructor(options: AnthropicProviderOptions) {
    this.name = options.name;
    this.#client = new UpstreamClient({
      provider: options.name,
      baseUrl: options.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
      timeoutMs: options.timeoutMs,
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
    });
    this.#headers = { 'x-api-key': options.apiKey, 'anthropic-version': ANTHROPIC_VERSION };
  }

  /** One Messages API request; rejects with a `ProviderError`. */
  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    const body = await this.#client.postJson({
      path: '/v1/messages',
      headers: this.#headersFor(call),
      json: toAnthropicRequestJson(call, false, this.#bodies),
      signal,
      deadline: call.meta.deadline,
    });
    return fromAnthropicMessage(body, this.name, call);
  }

  /** The same request streamed: text and tool-call parts as they arrive, then the finish part at `message_stop`. */
  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    const reader = new AnthropicStreamReader(this.name, call);
    const request = {
      path: '/v1/messages',
      headers: this.#headersFor(call),
      json: toAnthropicRequestJson(call, true, this.#bodies),
      signal,
      deadline: call.meta.deadline,
    };
    const events = this.#client.postSse(request, isAnthropicStreamEnd);
    for await (const event of events) {
      const parts = reader.read(event);
      if (parts !== undefined) {
        if (isPartList(parts)) yield* parts;
        else yield parts;
      }
      if (reader.finished) return;
    }
    throw invalidResponse(this.name, 'stream ended before message_stop');
  }

  /** The headers of a call: the `anthropic-beta` flags a client asked for, when it did. */
  #headersFor(call: ModelCall): Readonly<Record<string, string>> {
    const beta = call.providerOptions?.anthropic?.beta;
    return beta === undefined || beta.length === 0 ? this.#headers : { ...this.#headers, 'anthropic-beta': beta.join(',') };
  }

  /** Closes the connection pool; in-flight requests finish first. */
  close(): Promise<void> {
    return this.#client.close();
  }
}
