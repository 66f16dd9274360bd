import type { ProviderConfig } from '../config/ossa-config.js';
import { AnthropicProvider } from './anthropic/anthropic-provider.js';
import { EchoProvider } from './echo/echo-provider.js';
import { OpenAIProvider } from './openai/openai-provider.js';
import type { Provider } from './provider.js';

/** A provider adapter that holds connections and must be closed at shutdown. */
export interface ClosableProvider extends Provider {
  close?(): Promise<void>;
}

/** The bare wire adapter for one configured provider (no audit, no breaker). */
export function createAdapter(name: string, config: ProviderConfig, apiKey: string | undefined): ClosableProvider {
  const timeoutMs = config.timeout * 1000;
  const common = {
    name,
    timeoutMs,
    maxConnections: config.max_connections,
    maxResponseBytes: config.max_response_bytes,
    ...(config.base_url !== undefined ? { baseUrl: config.base_url } : {}),
  };
  switch (config.type) {
    case 'anthropic':
      return new AnthropicProvider({ ...common, apiKey: apiKey ?? '' });
    case 'openai':
    case 'openai-compatible':
      return new OpenAIProvider({
        ...common,
        type: config.type,
        ...(apiKey !== undefined ? { apiKey } : {}),
        ...(config.max_tokens_param !== undefined ? { tokenLimitParam: config.max_tokens_param } : {}),
      });
    case 'echo':
      return new EchoProvider({ name });
    default: {
      const unknown: never = config.type;
      throw new Error(`unknown provider type ${String(unknown)}`);
    }
  }
}
