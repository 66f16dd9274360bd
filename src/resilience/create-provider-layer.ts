import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import { createAuditLog } from '../audit/create-audit-log.js';
import type { Environment } from '../config/interpolate.js';
import type { OssaConfig } from '../config/ossa-config.js';
import type { SourceIssue } from '../config/source-issue.js';
import type { RouteComposer } from '../executor/agent-route.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { ProviderCatalog } from '../providers/provider-catalog.js';
import { collectConfigSecrets } from '../secrets/collect-config-secrets.js';
import type { KnownSecrets } from '../secrets/known-secrets.js';
import { openConfiguredVault, type ConfiguredVault } from '../secrets/open-configured-vault.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { circuitChecks, type CircuitCheck } from './circuit-checks.js';
import { composeFallbackChain } from './compose-fallback-chain.js';
import { SecureProviderFactory, type AdapterDecorator, type KeyRotation } from './secure-provider-factory.js';

/** What the provider layer is built from. */
export interface ProviderLayerOptions {
  readonly config: OssaConfig;
  readonly env: Environment;
  readonly logger: Logger;
  readonly events: EventDispatcher;
  /** Where the config came from, for messages. */
  readonly source: string;
  /** Epoch milliseconds for breakers, retries and audit records; injectable for tests. */
  readonly now?: () => number;
  /** The vault already opened by the caller (opened here when absent). */
  readonly vault?: ConfiguredVault;
  /** Wraps each bare adapter, inside the audit and breaker decorators (tracing uses it). */
  readonly decorateAdapter?: AdapterDecorator;
  /**
   * The gateway's secrets: every upstream answer is redacted against them, and a SIGHUP reload
   * adds the keys it reads (absent: no redaction layer).
   */
  readonly secrets?: KnownSecrets;
}

/** Everything between the executor and the upstreams, built from the config. */
export interface ProviderLayer {
  readonly catalog: ProviderCatalog;
  readonly circuits: ReadonlyMap<string, CircuitBreaker>;
  /** `undefined` with `security.audit_logging: false`. */
  readonly audit: AuditLog | undefined;
  /** Makes each agent's `FallbackChainProvider`. */
  readonly compose: RouteComposer;
  /** Keys written in plain text in the config (the `security.plaintext_keys_detected` metric). */
  readonly plaintextKeysDetected: number;
  /** Vault, key and URL problems: the gateway must not start. */
  readonly issues: readonly SourceIssue[];
  /** `/readyz` lines, one per breaker. */
  readinessChecks(): CircuitCheck[];
  /** Re-opens the vault and re-reads `file:` / `vault:` keys (SIGHUP). */
  reloadSecrets(): KeyRotation;
  /** Closes the upstream pools, then flushes and closes the audit log. */
  close(): Promise<void>;
}

/**
 * The provider side of the gateway: opens the secrets vault when the config references it,
 * creates the audit log, builds every provider through the `SecureProviderFactory` (breaker ->
 * audit -> adapter), and composes each agent's fallback chain over them.
 *
 * @example
 * const layer = createProviderLayer({ config, env, logger, events, source: 'ossa.yaml' });
 * const routes = resolveAgentRoutes(agents, config, layer.catalog, layer.compose);
 */
export function createProviderLayer(options: ProviderLayerOptions): ProviderLayer {
  const { config, env, logger, events, source, now, decorateAdapter, secrets } = options;
  const vault = options.vault ?? openConfiguredVault(config, env, source);
  const audit = createAuditLog(config.security, { events, logger });
  const built = new SecureProviderFactory({
    config, env, logger, events, source, audit,
    ...(vault.vault ? { vault: vault.vault } : {}),
    ...(now ? { now } : {}),
    ...(decorateAdapter ? { decorateAdapter } : {}),
    ...(secrets ? { secrets } : {}),
  }).build();
  return {
    catalog: built.catalog,
    circuits: built.circuits,
    audit,
    compose: composeFallbackChain(events, now),
    plaintextKeysDetected: built.plaintextKeysDetected,
    issues: [...vault.issues, ...built.errors],
    readinessChecks: () => circuitChecks(built.circuits),
    reloadSecrets: () => {
      const reopened = openConfiguredVault(config, env, source);
      if (reopened.issues.length === 0) {
        // Learnt before the new keys are used, so no answer can echo one unredacted.
        secrets?.add(collectConfigSecrets(config, env, reopened).values);
        return built.rotateKeys(reopened.vault);
      }
      const kept = reopened.issues.map((issue) => `keeping every key: ${issue.message}`);
      for (const problem of kept) logger.error(problem);
      return { rotated: [], problems: kept };
    },
    close: async () => {
      await built.close();
      await audit?.close();
    },
  };
}
