import type { ProviderConfig } from '../config/ossa-config.js';
import { ANTHROPIC_DEFAULT_BASE_URL, AnthropicProvider } from './anthropic/anthropic-provider.js';
import { EchoProvider } from './echo/echo-provider.js';
import { OPENAI_DEFAULT_BASE_URL, OpenAIProvider } from './openai/openai-provider.js';
import type { Provider, ProviderType } from './provider.js';

/** A provider adapter that holds connections and must be closed at shutdown. */
export interface ClosableProvider extends Provider {
  close?(): Promise<void>;
}

/** What an adapter is made from: one configured provider and its resolved key. */
export interface AdapterSettings {
  /** `providers.<name>`: every result and error carries it. */
  readonly name: string;
  readonly config: ProviderConfig;
  /** The plain key (`undefined`: none configured, or a kind that takes none). */
  readonly apiKey: string | undefined;
}

/**
 * Whether a kind takes an API key: `required` (without one the provider is disabled, with a
 * warning), `optional` (sent when set: local servers need none), `none` (never read).
 */
export type KeyRule = 'required' | 'optional' | 'none';

/** Everything the gateway knows about one `providers.<name>.type`, in one place. */
export interface ProviderKind {
  readonly type: ProviderType;
  /** `gen_ai.system` / `gen_ai.provider.name` of its spans. */
  readonly genAiSystem: string;
  /** Where requests go without `base_url`; its host is the vendor's own (see `keyPrefix`). */
  readonly defaultBaseUrl?: string;
  /** True when there is no default address: `base_url` must be configured. */
  readonly requiresBaseUrl: boolean;
  readonly key: KeyRule;
  /**
   * The prefix the vendor's keys carry (`sk-ant-`): a key without it is refused when requests
   * go to the vendor's own host (a custom `base_url` may front a proxy with keys of its own).
   */
  readonly keyPrefix?: string;
  /** The model a target of this kind asks for when neither the agent nor the provider names one. */
  readonly defaultModel?: string;
  /**
   * Max tokens for an agent that sets none, unless `providers.<name>.default_max_tokens` says;
   * absent: the config's `default_max_tokens`.
   */
  readonly defaultMaxTokens?: number;
  /** The bare wire adapter (no retry, breaker, audit or spans: the pipeline adds those). */
  createAdapter(settings: AdapterSettings): ClosableProvider;
}

/** What the adapters of the HTTP kinds share: name, timeout, pool size, base URL. */
function upstreamOptions({ name, config }: AdapterSettings) {
  return {
    name,
    timeoutMs: config.timeout * 1000,
    maxConnections: config.max_connections,
    maxResponseBytes: config.max_response_bytes,
    ...(config.base_url !== undefined ? { baseUrl: config.base_url } : {}),
  };
}

/** The OpenAI adapter's options: the shared ones, the key when there is one, and `max_tokens_param` when set. */
function openAIOptions(settings: AdapterSettings, type: 'openai' | 'openai-compatible') {
  return {
    ...upstreamOptions(settings),
    type,
    ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
    ...(settings.config.max_tokens_param !== undefined ? { tokenLimitParam: settings.config.max_tokens_param } : {}),
  };
}

/**
 * Every provider kind, keyed by its type. A new kind is one entry here (and its adapter):
 * the config schema's `type` enum, the key checks, span attributes and adapter creation all
 * read this table, and `tsc` refuses a `ProviderType` without an entry.
 */
export const PROVIDER_KINDS: { readonly [T in ProviderType]: ProviderKind & { readonly type: T } } = {
  anthropic: {
    type: 'anthropic',
    genAiSystem: 'anthropic',
    defaultBaseUrl: ANTHROPIC_DEFAULT_BASE_URL,
    requiresBaseUrl: false,
    key: 'required',
    keyPrefix: 'sk-ant-',
    // The OSSA reference runtime's (openstandardagents, src/services/runtime/anthropic.adapter.ts, getMaxTokens).
    defaultMaxTokens: 4096,
    createAdapter: (settings) => new AnthropicProvider({ ...upstreamOptions(settings), apiKey: settings.apiKey ?? '' }),
  },
  openai: {
    type: 'openai',
    genAiSystem: 'openai',
    defaultBaseUrl: OPENAI_DEFAULT_BASE_URL,
    requiresBaseUrl: false,
    key: 'required',
    keyPrefix: 'sk-',
    createAdapter: (settings) => new OpenAIProvider(openAIOptions(settings, 'openai')),
  },
  // Ollama, vLLM, Groq, Mistral, ...: OpenAI's wire format at an address of their own.
  'openai-compatible': {
    type: 'openai-compatible',
    genAiSystem: 'openai',
    requiresBaseUrl: true,
    key: 'optional',
    createAdapter: (settings) => new OpenAIProvider(openAIOptions(settings, 'openai-compatible')),
  },
  echo: {
    type: 'echo',
    genAiSystem: 'ossa.echo',
    requiresBaseUrl: false,
    key: 'none',
    defaultModel: 'echo',
    createAdapter: ({ name }) => new EchoProvider({ name }),
  },
};

/** Every provider type, in the order the table lists them (and messages name them). */
export const PROVIDER_TYPES: readonly ProviderType[] = Object.keys(PROVIDER_KINDS) as ProviderType[];

/** The kind of a configured type. */
export function providerKind(type: ProviderType): ProviderKind {
  return PROVIDER_KINDS[type];
}

/** True for a string that names a provider type (config checks read untyped trees). */
export function isProviderType(value: unknown): value is ProviderType {
  return typeof value === 'string' && Object.hasOwn(PROVIDER_KINDS, value);
}

/**
 * The bare wire adapter for one configured provider.
 *
 * @example
 * const adapter = createAdapter('claude', config.providers.claude, key.reveal());
 */
export function createAdapter(name: string, config: ProviderConfig, apiKey: string | undefined): ClosableProvider {
  return providerKind(config.type).createAdapter({ name, config, apiKey });
}
