import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { DISABLED_AUDIT, type AuditRecorder } from '../audit/audit-log.js';
import { AuditLoggingProvider } from '../audit/audit-logging-provider.js';
import type { Environment } from '../config/interpolate.js';
import type { OssaConfig, ProviderConfig } from '../config/ossa-config.js';
import type { SourceIssue } from '../config/source-issue.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import { createAdapter, type ClosableProvider } from '../providers/create-adapter.js';
import type { ProviderCatalog, ProviderEntry } from '../providers/provider-catalog.js';
import type { Provider } from '../providers/provider.js';
import type { SecretRedactor } from '../secrets/known-secrets.js';
import type { SecretVaultReader } from '../secrets/resolve-secret.js';
import { SecretRedactingProvider } from '../secrets/secret-redacting-provider.js';
import type { Sleep } from './abortable-sleep.js';
import { isLoopbackUrl } from './api-key-checks.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { CircuitBreakerProvider } from './circuit-breaker-provider.js';
import { ReplaceableProvider } from './replaceable-provider.js';
import { reportCircuitTransitions } from './report-circuit-transitions.js';
import { resolveProviderKey } from './resolve-provider-key.js';
import { RetryPolicy, type RandomSource } from './retry-policy.js';

/** Wraps a bare adapter before the audit and breaker decorators (e.g. one tracing span per attempt). */
export type AdapterDecorator = (adapter: Provider, name: string, config: ProviderConfig) => Provider;

export interface SecureProviderFactoryOptions {
  readonly config: OssaConfig;
  readonly env: Environment;
  readonly logger: Logger;
  /** Receives circuit, retry, attempt and `security.plaintext_key` events. */
  readonly events: EventDispatcher;
  /** Where the config came from, for messages. */
  readonly source?: string;
  readonly vault?: SecretVaultReader;
  /** The audit log; absent when `security.audit_logging` is off (attempt events still flow). */
  readonly audit?: AuditRecorder;
  /** Epoch milliseconds for breakers, retries and audit records; injectable for tests. */
  readonly now?: () => number;
  /** The retry jitter's random source; injectable for tests. */
  readonly random?: RandomSource;
  readonly sleep?: Sleep;
  /** Applied to every adapter, innermost: it sees each retry and each fallback attempt. */
  readonly decorateAdapter?: AdapterDecorator;
  /**
   * The gateway's own secrets: every answer and error of an adapter is checked against them
   * (`SecretRedactingProvider`, right around the adapter, inside every other layer).
   */
  readonly secrets?: SecretRedactor;
}

export interface BuiltProviders {
  readonly catalog: ProviderCatalog;
  /** Keys refused, plaintext keys in prod, insecure URLs: the gateway must not start. */
  readonly errors: SourceIssue[];
  /** Keys written literally in the config (the `security.plaintext_keys_detected` metric). */
  readonly plaintextKeysDetected: number;
  /** Each provider's breaker (providers with `circuit_breaker.enabled: false` have none). */
  readonly circuits: ReadonlyMap<string, CircuitBreaker>;
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
  readonly provider: ReplaceableProvider;
  digest: string;
}

/**
 * Builds each configured provider once, after checking what could leak or fail later, and
 * wraps it: `CircuitBreakerProvider` -> `AuditLoggingProvider` -> (tracing) ->
 * `SecretRedactingProvider` -> adapter, so every real
 * upstream attempt (each retry, each fallback) is audited and counted by one breaker per
 * provider, shared by all agents.
 *
 * Checks: a missing key disables the provider with one warning (agents use their fallback
 * chain, or get a 503 naming it); a placeholder, whitespace or a wrong vendor prefix is
 * refused; a key written in plain text is a warning and a `security.plaintext_key` event in
 * dev and refused in prod (unless `security.allow_plaintext_keys`); a `file:` key anyone on
 * the host may rewrite (world-writable) is a warning in dev and refused in prod; with
 * `security.enforce_https` (default on in prod) a `base_url` must be https, except loopback
 * addresses and providers with `allow_insecure_http: true`.
 *
 * @example
 * const built = new SecureProviderFactory({ config, env: process.env, logger, events, audit }).build();
 * if (built.errors.length > 0) throw new SourceError('cannot start', built.errors);
 */
export class SecureProviderFactory {
  constructor(private readonly options: SecureProviderFactoryOptions) {}

  build(): BuiltProviders {
    const { config, logger, events } = this.options;
    const source = this.options.source ?? 'config';
    const catalog = new Map<string, ProviderEntry>();
    const circuits = new Map<string, CircuitBreaker>();
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
      if (key.insecure) {
        if (config.env === 'prod') {
          errors.push(at('api_key', `refused in prod: ${key.insecure}`));
          continue;
        }
        logger.warn({ provider: name }, `provider ${name}: ${key.insecure} (refused in prod)`);
      }

      let adapter: ClosableProvider = createAdapter(name, providerConfig, key.secret?.reveal());
      adapters.push(adapter);
      if (key.secret && /^(file|vault):/.test(key.secret.origin)) {
        const replaceable = new ReplaceableProvider(adapter);
        rotatable.push({ name, config: providerConfig, provider: replaceable, digest: digest(key.secret.reveal()) });
        adapter = replaceable;
      }
      // The boundary: nothing an upstream sends reaches tracing, audit or the breaker unchecked.
      const checked: Provider = this.options.secrets ? new SecretRedactingProvider(adapter, this.options.secrets) : adapter;
      const inner = this.options.decorateAdapter ? this.options.decorateAdapter(checked, name, providerConfig) : checked;
      const provider = this.#decorate(inner, name, providerConfig, circuits);
      catalog.set(name, { name, type: providerConfig.type, config: providerConfig, provider, ...(key.secret ? { keyOrigin: key.secret.origin } : {}) });
    }

    return {
      catalog,
      errors,
      plaintextKeysDetected,
      circuits,
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
      const key = resolveProviderKey(entry.config, this.options.env, vault ?? this.options.vault, entry.name);
      if (key.kind !== 'key' || !key.secret) {
        problems.push(`provider ${entry.name}: keeping the current key: ${key.kind === 'key' ? 'no key' : key.reason}`);
        continue;
      }
      if (key.insecure && this.options.config.env === 'prod') {
        problems.push(`provider ${entry.name}: keeping the current key: ${key.insecure}`);
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

  /** Audit inside, breaker outside: the breaker's every attempt passes through the audit. */
  #decorate(adapter: Provider, name: string, config: ProviderConfig, circuits: Map<string, CircuitBreaker>): Provider {
    const { events, logger, now } = this.options;
    const audited = new AuditLoggingProvider(adapter, {
      audit: this.options.audit ?? DISABLED_AUDIT,
      events,
      includeContent: this.options.config.security.audit.include_content,
      ...(now ? { now } : {}),
    });
    const cb = config.circuit_breaker;
    // Without a breaker there are no retries either: the backoff settings live in circuit_breaker.
    if (!cb.enabled) return audited;
    const breaker = new CircuitBreaker({ provider: name, failureThreshold: cb.failure_threshold, resetTimeoutMs: cb.reset_timeout * 1000, ...(now ? { now } : {}) });
    reportCircuitTransitions(breaker, events, logger);
    circuits.set(name, breaker);
    return new CircuitBreakerProvider(audited, {
      breaker,
      retry: RetryPolicy.fromConfig(config, this.options.random),
      events,
      ...(now ? { now } : {}),
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
    });
  }
}

/** A key's SHA-256, to notice a change without keeping a second copy of the key around. */
function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
