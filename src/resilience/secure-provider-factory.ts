import type { Logger } from 'pino';
import type { Environment } from '../config/interpolate.js';
import type { OssaConfig, ProviderConfig } from '../config/ossa-config.js';
import type { SourceIssue } from '../config/source-issue.js';
import { createAdapter, type ClosableProvider } from '../providers/create-adapter.js';
import type { ProviderCatalog, ProviderEntry } from '../providers/provider-catalog.js';
import type { Provider } from '../providers/provider.js';
import { resolveSecret, type SecretVaultReader } from '../secrets/resolve-secret.js';
import { isLoopbackUrl, refuseApiKey } from './api-key-checks.js';

/** Wraps a bare adapter in the provider decorators (audit logging, ...). */
export type ProviderDecorator = (adapter: Provider, name: string, config: ProviderConfig) => Provider;

export interface SecureProviderFactoryOptions {
  readonly config: OssaConfig;
  readonly env: Environment;
  readonly logger: Logger;
  /** Where the config came from, for messages. */
  readonly source?: string;
  readonly vault?: SecretVaultReader;
  /** Applied to every enabled adapter, innermost first. */
  readonly decorators?: readonly ProviderDecorator[];
}

export interface BuiltProviders {
  readonly catalog: ProviderCatalog;
  /** Keys refused, plaintext keys in prod, insecure URLs: the gateway must not start. */
  readonly errors: SourceIssue[];
  /** Keys written literally in the config (the `security.plaintext_keys_detected` metric). */
  readonly plaintextKeysDetected: number;
  /** Closes every adapter's connection pool. */
  close(): Promise<void>;
}

/** Provider types that cannot work without a key. */
const KEY_REQUIRED = new Set(['anthropic', 'openai']);

/**
 * Builds each configured provider once, after checking what could leak or fail later: the
 * key exists (else the provider is disabled with one warning and requests use the fallback
 * chain), is not a template placeholder, is not written in plain text in prod, and the
 * base_url is https where `security.enforce_https` asks for it.
 */
export class SecureProviderFactory {
  constructor(private readonly options: SecureProviderFactoryOptions) {}

  build(): BuiltProviders {
    const { config, logger } = this.options;
    const source = this.options.source ?? 'config';
    const catalog = new Map<string, ProviderEntry>();
    const errors: SourceIssue[] = [];
    const adapters: ClosableProvider[] = [];
    let plaintextKeysDetected = 0;
    const enforceHttps = config.security.enforce_https ?? config.env === 'prod';

    for (const [name, providerConfig] of Object.entries(config.providers)) {
      const at = (key: string, message: string): SourceIssue => ({ file: source, path: `providers.${name}.${key}`, message });
      const disable = (reason: string): void => {
        catalog.set(name, { name, type: providerConfig.type, config: providerConfig, disabledReason: reason });
        logger.warn({ provider: name, reason }, `provider ${name} disabled: ${reason}`);
      };

      const baseUrl = providerConfig.base_url;
      if (baseUrl !== undefined && enforceHttps && !baseUrl.startsWith('https:') && !isLoopbackUrl(baseUrl) && !providerConfig.allow_insecure_http) {
        errors.push(at('base_url', `must be https when security.enforce_https is on (or set providers.${name}.allow_insecure_http: true)`));
        continue;
      }

      let apiKey: string | undefined;
      if (providerConfig.type !== 'echo' && providerConfig.api_key !== undefined) {
        const resolved = resolveSecret(providerConfig.api_key, this.options.env, this.options.vault);
        if (!resolved.ok) {
          disable(`no API key: ${resolved.reason}`);
          continue;
        }
        const refusal = refuseApiKey(providerConfig.type, resolved.secret.reveal(), baseUrl);
        if (refusal) {
          errors.push(at('api_key', `refused: ${refusal}`));
          continue;
        }
        if (resolved.literal) {
          plaintextKeysDetected++;
          if (config.env === 'prod' && !config.security.allow_plaintext_keys) {
            errors.push(at('api_key', 'is written in plain text; in prod use ${VAR}, file:/run/secrets/... or vault:NAME (or set security.allow_plaintext_keys: true)'));
            continue;
          }
          logger.warn({ provider: name }, `provider ${name}: the API key is written in plain text in the config; use \${VAR}, file: or vault: instead`);
        }
        apiKey = resolved.secret.reveal();
      } else if (KEY_REQUIRED.has(providerConfig.type)) {
        disable('no API key: providers.' + name + '.api_key is not set');
        continue;
      }

      const adapter = createAdapter(name, providerConfig, apiKey);
      adapters.push(adapter);
      const decorated = (this.options.decorators ?? []).reduce<Provider>((inner, decorate) => decorate(inner, name, providerConfig), adapter);
      catalog.set(name, { name, type: providerConfig.type, config: providerConfig, provider: decorated });
    }

    return {
      catalog,
      errors,
      plaintextKeysDetected,
      close: async () => {
        await Promise.allSettled(adapters.map((adapter) => adapter.close?.()));
      },
    };
  }
}
