import type { Logger } from 'pino';
import type { AgentDefinition } from '../agents/agent-definition.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditLog } from '../audit/audit-logging-provider.js';
import { createAuditLog } from '../audit/create-audit-log.js';
import { budget } from '../budgets/budgeted-runner.js';
import { createBudgets } from '../budgets/create-budgets.js';
import type { TokenBudgets } from '../budgets/token-budgets.js';
import { auditToolCalls } from '../audit/tool-call-audit.js';
import { responseCache } from '../cache/cached-agent-executor.js';
import { createResponseCache } from '../cache/create-response-cache.js';
import type { ResponseCache } from '../cache/response-cache.js';
import type { Environment } from '../config/interpolate.js';
import type { OssaConfig, ProviderConfig } from '../config/ossa-config.js';
import type { SourceIssue } from '../config/source-issue.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import { AgentExecutor } from '../executor/agent-executor.js';
import type { AgentRunner } from '../executor/agent-response.js';
import { resolveAgentRoutes, type AgentRoute } from '../executor/agent-route.js';
import { AgentRouteTable } from '../executor/agent-route-table.js';
import { resolveModelRoutes, type ModelSource } from '../executor/model-routes.js';
import { attemptEvents } from '../observability/attempt-events-provider.js';
import { upstreamAddress } from '../observability/tracing/genai-attributes.js';
import { tracing } from '../observability/tracing/tracing-provider.js';
import type { UpstreamTimeLedger } from '../observability/upstream-time-ledger.js';
import type { ProviderCatalog } from '../providers/provider-catalog.js';
import { createRateLimiter } from '../rate-limit/create-rate-limiter.js';
import { rateLimit } from '../rate-limit/rate-limited-runner.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { circuitBreaker } from '../resilience/circuit-breaker-provider.js';
import { fallbackChain } from '../resilience/fallback-chain-provider.js';
import { rotatableKey } from '../resilience/replaceable-provider.js';
import { reportCircuitTransitions } from '../resilience/report-circuit-transitions.js';
import { retry } from '../resilience/retry-provider.js';
import type { Sleep } from '../resilience/abortable-sleep.js';
import { RetryPolicy } from '../resilience/retry-policy.js';
import { SecureProviderFactory, type KeyRotation } from '../resilience/secure-provider-factory.js';
import { piiGuard } from '../safety/pii/pii-guarded-runner.js';
import { PiiPolicies } from '../safety/pii/pii-policy.js';
import type { SecretRedactor } from '../secrets/known-secrets.js';
import type { SecretVaultReader } from '../secrets/resolve-secret.js';
import { redactSecrets } from '../secrets/secret-redacting-provider.js';
import { withServerTools } from '../executor/server-tool-routes.js';
import { toolCallEvents } from '../executor/tool-call-events.js';
import type { ToolHandlers } from '../tools/function/tool-handler.js';
import { closeToolKinds, toolKinds } from '../tools/tool-kinds.js';
import { manifestEnvironment } from '../agents/manifest-environment.js';
import type { McpServerLookup } from '../tools/mcp/mcp-tool-kind.js';
import type { ToolKindHandler } from '../tools/server-tool.js';
import type { ToolCallObserver } from '../executor/agent-loop.js';
import type { PreparedExecution } from '../executor/agent-executor.js';
import type { ExecuteOptions } from '../executor/agent-response.js';
import { wrapProvider, wrapRunner } from './wrap.js';

/** What the request path is built from: the config, and the gateway's shared services. */
export interface PipelineParts {
  readonly config: OssaConfig;
  /** Source of `${VAR}` provider keys. */
  readonly env: Environment;
  readonly logger: Logger;
  readonly events: EventDispatcher;
  /** Where the config came from, for messages. */
  readonly source: string;
  /** The opened secrets vault, for `vault:` keys. */
  readonly vault?: SecretVaultReader;
  /** The loaded agents. */
  readonly agents: readonly AgentDefinition[];
  /** Credited with each upstream attempt's wall time (the gateway-overhead metric). */
  readonly upstreamTime?: UpstreamTimeLedger;
  /** The gateway's own secrets: everything an upstream sends back is redacted against them (absent: no redaction layer). */
  readonly secrets?: SecretRedactor;
  /** The shared Redis connection, when a store is on Redis (it may connect later). */
  readonly redis?: RedisConnection;
  /** Epoch milliseconds for breakers, retries, audit records and executions; injectable for tests. */
  readonly now?: () => number;
  /** The pause between retries (default: a timer); tests record the waits instead of sleeping. */
  readonly sleep?: Sleep;
  /** Where a key path of the config is in its file (for the pass-through models' problems). */
  readonly locate?: ModelSource['locate'];
  /** The `function` tools' handlers, by tool name (`createGateway({ tools })` and `tools.handlers_module`). */
  readonly toolHandlers?: ToolHandlers;
  /** Tool kinds asked before the built-in ones (the library's `createGateway({ toolKinds })`). */
  readonly extraToolKinds?: readonly ToolKindHandler[];
  /** The MCP servers' connections (`mcp` tools pick theirs by name). */
  readonly mcp?: McpServerLookup;
  /** Told of every server tool call (events, audit, metrics, spans). */
  readonly toolObserver?: (prepared: PreparedExecution, options: ExecuteOptions) => ToolCallObserver;
}

/** The request path, built: the runner in front, and every part an operator or a route reads. */
export interface Pipeline {
  /** The executor inside its runner layers: what HTTP routes and `gateway.execute()` call. */
  readonly runner: AgentRunner;
  readonly executor: AgentExecutor;
  /** The agents' routes. */
  readonly routes: ReadonlyMap<string, AgentRoute>;
  /** The pass-through models' routes (`models.<id>`): the executor, the limiter and the cache serve them beside the agents. */
  readonly models: ReadonlyMap<string, AgentRoute>;
  /** Every configured provider: its decorated instance, or why it is disabled. */
  readonly catalog: ProviderCatalog;
  /** Each provider's breaker (none for `circuit_breaker.enabled: false`). */
  readonly circuits: ReadonlyMap<string, CircuitBreaker>;
  /** `undefined` with `security.audit_logging: false`. */
  readonly audit: AuditLog | undefined;
  /** `undefined` with `rate_limit.enabled: false`. */
  readonly rateLimiter: RateLimiter | undefined;
  /** `undefined` with `cache.enabled: false`. */
  readonly cache: ResponseCache | undefined;
  /** `undefined` with `budgets.enabled: false`, or when no budget is declared in the config or a manifest. */
  readonly budgets: TokenBudgets | undefined;
  /** Key, URL and agent-route problems: the gateway must not start. */
  readonly issues: readonly SourceIssue[];
  /** Fallbacks skipped, and the like: logged, not fatal. */
  readonly warnings: readonly SourceIssue[];
  /** Tools that cannot run (positioned): their agents do not start, the others serve. */
  readonly toolProblems: readonly SourceIssue[];
  /** Re-reads `file:` / `vault:` keys with `vault` (SIGHUP) and swaps the adapters whose key changed. */
  rotateKeys(vault?: SecretVaultReader): KeyRotation;
  /** Closes the cache store, the upstream pools, then flushes and closes the audit log. */
  close(): Promise<void>;
}

/**
 * The composition root of the request path, in the order a request goes through it (README,
 * "How a request flows"); first is outermost, and a layer that is off is not in its list:
 *
 * ```
 * runner:        rateLimit -> piiGuard -> responseCache -> budget -> AgentExecutor
 * per agent:     FallbackChainProvider over its providers, primary first (a pass-through
 *                model's route is built the same way, from models.<id>)
 * per provider:  retry -> circuitBreaker -> auditLog -> attemptEvents -> tracing -> redactSecrets -> rotatableKey -> adapter
 * ```
 *
 * Each provider is built once and shared by every agent, so they all feed and obey its one
 * breaker. Nothing here connects or listens: the gateway does that once `issues` is empty.
 *
 * @example
 * const pipeline = buildPipeline({ config, env, logger, events, source: 'ossa.yaml', agents: registry.list() });
 * if (pipeline.issues.length > 0) throw new SourceError('cannot start', [...pipeline.issues]);
 * await pipeline.runner.execute('support', 'Where is my order?', {}, { requestId: 'r-1' });
 */
export function buildPipeline(parts: PipelineParts): Pipeline {
  const { config, logger, events } = parts;
  const clock = parts.now ? { now: parts.now } : {};
  const audit = createAuditLog(config.security, { events, logger });
  if (audit) auditToolCalls(events, audit, { includeContent: config.security.audit.include_content, ...clock });
  const circuits = new Map<string, CircuitBreaker>();
  const breakerOf = (name: string, provider: ProviderConfig): CircuitBreaker => {
    const breaker = newBreaker(name, provider, parts);
    circuits.set(name, breaker);
    return breaker;
  };

  const providers = new SecureProviderFactory({
    config, env: parts.env, logger, events, source: parts.source, ...(parts.vault ? { vault: parts.vault } : {}),
  }).build((adapter, { name, config: provider, rotatable }) =>
    wrapProvider(adapter, [
      provider.max_retries > 0 && retry({ policy: RetryPolicy.fromConfig(provider), events, ...clock, ...(parts.sleep ? { sleep: parts.sleep } : {}) }),
      provider.circuit_breaker.enabled && circuitBreaker(breakerOf(name, provider)),
      audit && auditLog({ audit, includeContent: config.security.audit.include_content, ...clock }),
      attemptEvents(events),
      tracing({ server: upstreamAddress(provider.base_url), ...(parts.upstreamTime ? { upstreamTime: parts.upstreamTime } : {}) }),
      // The boundary: all an upstream sends back, checked against our secrets before any layer sees it
      // (outside rotatableKey, so an adapter swapped in by a rotation is checked too).
      parts.secrets && redactSecrets(parts.secrets),
      rotatable && rotatableKey(rotatable),
    ]),
  );

  const compose = fallbackChain({ events, ...clock, ...(parts.sleep ? { sleep: parts.sleep } : {}) });
  const resolution = resolveAgentRoutes(parts.agents, config, providers.catalog, compose);
  // Once, at startup: an agent whose tools cannot all run does not start.
  const builtInKinds = toolKinds({
    handlers: parts.toolHandlers ?? {},
    defaultTimeoutMs: config.tools.default_timeout * 1000,
    // Credentials and endpoints read only what manifests may read (manifest_env), never a config secret.
    http: { config: config.tools.http, env: manifestEnvironment(config, parts.env, parts.secrets), ...(parts.vault ? { vault: parts.vault } : {}), ...(parts.secrets ? { secrets: parts.secrets } : {}) },
    ...(parts.mcp ? { mcp: parts.mcp } : {}),
    ...(parts.secrets ? { secrets: parts.secrets } : {}),
  });
  const kinds = [...(parts.extraToolKinds ?? []), ...builtInKinds];
  const tooled = withServerTools(resolution.routes, kinds);
  const routes = tooled.routes;
  const models = resolveModelRoutes(config, parts.agents, providers.catalog, compose, { file: parts.source, ...(parts.locate ? { locate: parts.locate } : {}) });
  // One namespace (a clash is an error above): every layer serves a model id as an agent's name.
  const served = models.routes.size === 0 ? routes : new AgentRouteTable([...routes.values(), ...models.routes.values()]);
  const executor = new AgentExecutor({
    routes: served, events, ...clock,
    tools: { concurrency: config.tools.max_concurrency, maxResultBytes: config.tools.max_result_bytes },
    ...(parts.secrets ? { secrets: parts.secrets } : {}),
    toolObserver: parts.toolObserver ?? toolCallEvents(events, parts.now ?? Date.now),
  });

  const stores = { events, logger, ...(parts.redis ? { redis: parts.redis } : {}) };
  const limiter = createRateLimiter(config, stores);
  const cache = createResponseCache(config, { ...stores, routes: served, ...(audit ? { audit } : {}) });
  const budgets = createBudgets(config, served, { ...stores, source: parts.source, ...clock });
  // Off (not in the list) when no agent or model is checked: neither a manifest nor security.pii_detection asks.
  const policies = new PiiPolicies(config.security.pii_detection);
  const pii = [...served.values()].some((route) => policies.of(route.agent) !== undefined);
  const runner = wrapRunner(executor, [
    limiter && rateLimit(limiter, served),
    pii && piiGuard({ policies, routes: served, events, logger, ...(audit ? { audit } : {}), ...clock }),
    cache && responseCache(cache),
    // Inside the cache: a hit is answered before it and spends no budget, and concurrent
    // identical misses (single-flight) hold one request's worst case, not one each. Outside
    // the executor: the worst case is held before the upstream call and settled after it.
    budgets.budgets && budget(budgets.budgets, served, budgets.prices),
  ]);

  return {
    runner,
    executor,
    routes,
    models: models.routes,
    catalog: providers.catalog,
    circuits,
    audit,
    rateLimiter: limiter,
    cache,
    budgets: budgets.budgets,
    issues: [...providers.errors, ...resolution.errors, ...models.errors],
    warnings: [...resolution.warnings, ...models.warnings, ...budgets.warnings],
    toolProblems: tooled.problems,
    rotateKeys: (vault) => providers.rotateKeys(vault),
    close: async () => {
      await cache?.close();
      await providers.close();
      await audit?.close();
      await closeToolKinds(builtInKinds);
    },
  };
}

/** A provider's breaker, its state changes reported as events and log lines. */
function newBreaker(name: string, provider: ProviderConfig, parts: PipelineParts): CircuitBreaker {
  const cb = provider.circuit_breaker;
  const breaker = new CircuitBreaker({ provider: name, failureThreshold: cb.failure_threshold, resetTimeoutMs: cb.reset_timeout * 1000, ...(parts.now ? { now: parts.now } : {}) });
  reportCircuitTransitions(breaker, parts.events, parts.logger);
  return breaker;
}
