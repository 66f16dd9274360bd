import { isPartList } from '../http/read-parts.js';
import { UpstreamClient } from '../http/upstream-client.js';
import { invalidResponse } from '../http/upstream-error.js';
import type { ModelCall, ModelResult, Provider, StreamPart } from '../provider.js';
import { ConstantBodyParts } from '../http/constant-body-parts.js';
import { toOpenAIRequestJson, type OpenAIRequestStyle, type OpenAITokenLimitParam } from './openai-request.js';
import { isOpenAIStreamEnd, OpenAIStreamReader } from './openai-stream-reader.js';
import { fromOpenAICompletion } from './openai-wire.js';

/** OpenAI's default address; the path prefix `/v1` is part of it. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** How to reach OpenAI or any server that speaks its Chat Completions API. */
export interface OpenAIProviderOptions {
  /** The configured name (`providers.<name>`); every result and error carries it. */
  readonly name: string;
  /** `openai` for api.openai.com, `openai-compatible` for Ollama, vLLM, Groq, Mistral, ... */
  readonly type: 'openai' | 'openai-compatible';
  /** Sent as `Authorization: Bearer`; leave out for local servers that need none. */
  readonly apiKey?: string;
  /** Default `https://api.openai.com/v1`, e.g. `http://127.0.0.1:11434/v1` for Ollama. */
  readonly baseUrl?: string;
  /** Per attempt: the whole answer for `complete`, each wait for upstream bytes for `stream`. */
  readonly timeoutMs: number;
  /** Keep-alive connections to the upstream (default 64). */
  readonly maxConnections?: number;
  /** Largest answer read, JSON or a whole stream (default 32 MiB); see `UpstreamClientOptions`. */
  readonly maxResponseBytes?: number;
  /**
   * The body field for `maxTokens` (`max_tokens_param` in ossa.yaml). Absent: `max_completion_tokens`
   * for OpenAI's reasoning models (o-series, gpt-5 family) on type `openai`, else `max_tokens`.
   */
  readonly tokenLimitParam?: OpenAITokenLimitParam;
}

/**
 * OpenAI Chat Completions (`POST {baseUrl}/chat/completions`) as a `Provider`, JSON and
 * streamed (SSE, with `stream_options.include_usage`). Failures are `ProviderError`s
 * classified here; a stream that ends without `[DONE]` is a retryable `invalid_response`.
 *
 * @example
 * const ollama = new OpenAIProvider({ name: 'local', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', timeoutMs: 120_000 });
 * for await (const part of ollama.stream(call, signal)) if (part.type === 'text') process.stdout.write(part.text);
 */
export class OpenAIProvider implements Provider {
  readonly name: string;
  readonly type: 'openai' | 'openai-compatible';
  readonly #client: UpstreamClient;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #style: OpenAIRequestStyle;
  /** The constant part of each route's body, serialised once. */
  readonly #bodies = new ConstantBodyParts();

  constructor(options: OpenAIProviderOptions) {
    this.name = options.name;
    this.type = options.type;
    this.#style = options.tokenLimitParam === undefined ? { type: options.type } : { type: options.type, tokenLimitParam: options.tokenLimitParam };
    this.#client = new UpstreamClient({
      provider: options.name,
      baseUrl: options.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      timeoutMs: options.timeoutMs,
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
    });
    this.#headers = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  }

  /** One Chat Completions request; rejects with a `ProviderError`. */
  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    const body = await this.#client.postJson({
      path: '/chat/completions',
      headers: this.#headers,
      json: toOpenAIRequestJson(call, false, this.#style, this.#bodies),
      signal,
      deadline: call.meta.deadline,
    });
    return fromOpenAICompletion(body, this.name, call);
  }

  /** The same request streamed: text and tool-call parts as they arrive, then the finish part at `[DONE]`. */
  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    const reader = new OpenAIStreamReader(this.name, call);
    const request = {
      path: '/chat/completions',
      headers: this.#headers,
      json: toOpenAIRequestJson(call, true, this.#style, this.#bodies),
      signal,
      deadline: call.meta.deadline,
    };
    const events = this.#client.postSse(request, isOpenAIStreamEnd);
    for await (const event of events) {
      const parts = reader.read(event);
      if (parts !== undefined) {
        if (isPartList(parts)) yield* parts;
        else yield parts;
      }
      if (reader.finished) return;
    }
    throw invalidResponse(this.name, 'stream ended before [DONE]');
  }

  /** Closes the connection pool; in-flight requests finish first. */
  close(): Promise<void> {
    return this.#client.close();
  }
}
