import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Environment } from '../config/interpolate.js';
import type { OssaConfig, ProviderConfig } from '../config/ossa-config.js';
import type { SourceIssue } from '../config/source-issue.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import { createAdapter, type ClosableProvider } from '../providers/provider-kinds.js';
import type { ProviderCatalog, ProviderEntry } from '../providers/provider-catalog.js';
import type { Provider } from '../providers/provider.js';
import type { SecretVaultReader } from '../secrets/resolve-secret.js';
import { isLoopbackUrl } from './api-key-checks.js';
import type { ReplaceableProvider } from './replaceable-provider.js';
import { resolveProviderKey } from './resolve-provider-key.js';

/** A provider whose adapter passed the checks, as the pipeline wraps it. */
export interface CheckedProvider {
  readonly name: string;
  readonly config: ProviderConfig;
  /**
   * Present when the key comes from a `file:` or `vault:` reference and may change at runtime:
   * hand it to `rotatableKey()`, directly around the adapter, so `rotateKeys()` can swap it.
   */
  readonly rotatable?: (provider: ReplaceableProvider) => void;
}

/** Wraps a checked adapter in its layers (the pipeline's per-provider list). */
export type AdapterWrapper = (adapter: Provider, provider: CheckedProvider) => Provider;

export interface SecureProviderFactoryOptions {
  readonly config: OssaConfig;
  readonly env: Environment;
  readonly logger: Logger;
  /** Receives `security.plaintext_key` and `security.key_rotated`. */
  readonly events: EventDispatcher;
  /** Where the config came from, for messages. */
  readonly source?: string;
  readonly vault?: SecretVaultReader;
}

export interface BuiltProviders {
  /** Every configured provider: wrapped, or disabled with its reason. */
  readonly catalog: ProviderCatalog;
  /** Keys refused, plaintext keys in prod, insecure URLs: the gateway must not start. */
  readonly errors: SourceIssue[];
  /** Keys written literally in the config (the `security.plaintext_keys_detected` metric). */
  readonly plaintextKeysDetected: number;
  /**
   * Re-reads the keys of providers whose key comes from a `file:` or `vault:` reference (pass
   * the re-opened vault) and switches each changed one to a new adapter, dispatching
   * `security.key_rotated`. A key that is now missing or refused is reported and the current
   * one kept.
   */
  rotateKeys(vault?: SecretVaultReader): KeyRotation;
  /** Closes every adapter's connection pool. */
  close(): Promise<void>;
}

/** What a `rotateKeys()` changed. */
export interface KeyRotation {
  /** Providers now using a new key. */
  readonly rotated: string[];
  /** Why a key was kept (names the provider and reference, never a value). */
  readonly problems: string[];
}

/** A provider whose key may change at runtime, and a digest of the key it uses now. */
interface RotatableKey {
  readonly name: string;
  readonly config: ProviderConfig;
  provider: ReplaceableProvider | undefined;
  digest: string;
}

/**
 * Builds each configured provider's adapter once, after checking what could leak or fail
 * later, and hands it to `wrap` (the pipeline's per-provider layers; without one, the catalog
 * holds the bare adapters). It owns the adapters' keys: their checks, and their rotation.
 *
 * Checks: a missing key disables the provider with one warning (agents use their fallback
 * chain, or get a 503 naming it); a placeholder, whitespace or a wrong vendor prefix is
 * refused; a key written in plain text is a warning and a `security.plaintext_key` event in
 * dev and refused in prod (unless `security.allow_plaintext_keys`); with
 * `security.enforce_https` (default on in prod) a `base_url` must be https, except loopback
 * addresses and providers with `allow_insecure_http: true`.
 *
 * @example
 * const built = new SecureProviderFactory({ config, env: process.env, logger, events }).build((adapter, provider) => wrapProvider(adapter, layersOf(provider)));
 * if (built.errors.length > 0) throw new SourceError('cannot start', built.errors);
 */
export class SecureProviderFactory {
  constructor(private readonly options: SecureProviderFactoryOptions) {}

  build(wrap: AdapterWrapper = (adapter) => adapter): BuiltProviders {
    const { config, logger, events } = this.options;
    const source = this.options.source ?? 'config';
    const catalog = new Map<string, ProviderEntry>();
    const errors: SourceIssue[] = [];
    const adapters: ClosableProvider[] = [];
    const rotatable: RotatableKey[] = [];
    let plaintextKeysDetected = 0;
    const enforceHttps = config.security.enforce_https ?? config.env === 'prod';

    for (const [name, providerConfig] of Object.entries(config.providers)) {
      const at = (key: string, message: string): SourceIssue => ({ file: source, path: `providers.${name}.${key}`, message });

      const baseUrl = providerConfig.base_url;
      if (baseUrl !== undefined && enforceHttps && !baseUrl.startsWith('https:') && !isLoopbackUrl(baseUrl) && !providerConfig.allow_insecure_http) {
        errors.push(at('base_url', `must be https when security.enforce_https is on (or set providers.${name}.allow_insecure_http: true)`));
        continue;
      }

      const key = resolveProviderKey(providerConfig, this.options.env, this.options.vault, name);
      if (key.kind === 'refused') {
        errors.push(at('api_key', `refused: ${key.reason}`));
        continue;
      }
      if (key.kind === 'disabled') {
        catalog.set(name, { name, type: providerConfig.type, config: providerConfig, disabledReason: key.reason });
        logger.warn({ provider: name, reason: key.reason }, `provider ${name} disabled: ${key.reason}`);
        continue;
      }
      if (key.literal) {
        plaintextKeysDetected++;
        events.dispatch({ type: 'security.plaintext_key', provider: name });
        if (config.env === 'prod' && !config.security.allow_plaintext_keys) {
          errors.push(at('api_key', 'is written in plain text; in prod use ${VAR}, file:/run/secrets/... or vault:NAME (or set security.allow_plaintext_keys: true)'));
          continue;
        }
        logger.warn({ provider: name }, `provider ${name}: the API key is written in plain text in the config; use \${VAR}, file: or vault: instead`);
      }

      const adapter = createAdapter(name, providerConfig, key.secret?.reveal());
      adapters.push(adapter);
      let rotation: RotatableKey | undefined;
      if (key.secret && /^(file|vault):/.test(key.secret.origin)) {
        rotation = { name, config: providerConfig, provider: undefined, digest: digest(key.secret.reveal()) };
        rotatable.push(rotation);
      }
      const provider = wrap(adapter, {
        name,
        config: providerConfig,
        ...(rotation ? { rotatable: (replaceable: ReplaceableProvider) => void (rotation.provider = replaceable) } : {}),
      });
      catalog.set(name, { name, type: providerConfig.type, config: providerConfig, provider, ...(key.secret ? { keyOrigin: key.secret.origin } : {}) });
    }

    return {
      catalog,
      errors,
      plaintextKeysDetected,
      rotateKeys: (vault) => this.#rotate(rotatable, adapters, vault),
      close: async () => {
        await Promise.allSettled(adapters.map((adapter) => adapter.close?.()));
      },
    };
  }

  #rotate(rotatable: readonly RotatableKey[], adapters: ClosableProvider[], vault: SecretVaultReader | undefined): KeyRotation {
    const { logger, events } = this.options;
    const rotated: string[] = [];
    const problems: string[] = [];
    for (const entry of rotatable) {
      // Not wrapped in `rotatableKey()`: there is nothing to swap.
      if (!entry.provider) continue;
      const key = resolveProviderKey(entry.config, this.options.env, vault ?? this.options.vault, entry.name);
      if (key.kind !== 'key' || !key.secret) {
        problems.push(`provider ${entry.name}: keeping the current key: ${key.kind === 'key' ? 'no key' : key.reason}`);
        continue;
      }
      const next = digest(key.secret.reveal());
      if (next === entry.digest) continue;
      const adapter = createAdapter(entry.name, entry.config, key.secret.reveal());
      adapters.push(adapter);
      entry.digest = next;
      void entry.provider.replace(adapter);
      rotated.push(entry.name);
      events.dispatch({ type: 'security.key_rotated', provider: entry.name, origin: key.secret.origin });
      logger.info({ provider: entry.name, origin: key.secret.origin }, `provider ${entry.name}: the API key changed (${key.secret.origin}); new calls use the new key`);
    }
    for (const problem of problems) logger.warn(problem);
    return { rotated, problems };
  }
}

/** A key's SHA-256, to notice a change without keeping a second copy of the key around. */
function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
