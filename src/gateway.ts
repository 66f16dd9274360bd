import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AgentDefinition } from './agents/agent-definition.js';
import { agentId } from './agents/agent-ref.js';
import { AgentRegistry } from './agents/agent-registry.js';
import { manifestEnvironment } from './agents/manifest-environment.js';
import type { Sleep } from './resilience/abortable-sleep.js';
import type { Environment } from './config/interpolate.js';
import { loadConfigFile, normalizeConfig, type LoadedConfig } from './config/load-config.js';
import type { OssaConfig } from './config/ossa-config.js';
import { formatIssue, SourceError, type SourceIssue } from './config/source-issue.js';
import { registerAgentExecutionListener } from './executor/agent-execution-listener.js';
import type { AgentResponse, ExecuteOptions, ExecutionContext } from './executor/agent-response.js';
import type { AgentRoute } from './executor/agent-route.js';
import type { AgentStreamEvent } from './executor/agent-stream-event.js';
import { EventDispatcher } from './events/event-dispatcher.js';
import { AuthThrottle } from './http/auth/auth-throttle.js';
import { Authenticator } from './http/auth/authenticator.js';
import type { GatewayServices, ReadinessCheck, ReadinessProbe } from './http/gateway-services.js';
import { buildHttpApp, ossaGatewayPlugin } from './http/http-app.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createObservability, type Observability } from './observability/observability.js';
import type { AuditLog } from './audit/audit-log.js';
import { buildPipeline, type Pipeline } from './pipeline/build-pipeline.js';
import { createSharedRedis } from './redis/create-shared-redis.js';
import type { RedisConnection } from './redis/redis-connection.js';
import { circuitChecks } from './resilience/circuit-checks.js';
import type { KeyRotation } from './resilience/secure-provider-factory.js';
import { RedisRateLimitStore } from './rate-limit/redis-rate-limit-store.js';
import { collectConfigSecrets } from './secrets/collect-config-secrets.js';
import { KnownSecrets, type SecretRedactor } from './secrets/known-secrets.js';
import { openConfiguredVault } from './secrets/open-configured-vault.js';
import { MIN_REDACTED_LENGTH } from './secrets/secret-scanner.js';
import { mcpChecks } from './tools/mcp/mcp-checks.js';
import { McpConnectionManager } from './tools/mcp/mcp-connection-manager.js';
import { loadHandlersModule } from './tools/function/load-handlers-module.js';
import type { ToolHandlers } from './tools/function/tool-handler.js';
import type { ToolKindHandler } from './tools/server-tool.js';

export interface CreateGatewayOptions {
  /** A config object (`{ ossa: {...} }` or the inner tree) or an already validated `OssaConfig`. */
  readonly config?: Record<string, unknown> | OssaConfig;
  /** An ossa.yaml to load (ignored when `config` is given). */
  readonly configPath?: string;
  /** Relative paths in an object config resolve against this (default: the working directory). */
  readonly baseDir?: string;
  /** Source of `${VAR}` values and secrets (default: `process.env`). */
  readonly env?: Environment;
  /** Use your app's pino logger; by default one is made from `observability.log_level`. */
  readonly logger?: Logger;
  /** Epoch milliseconds for circuit breakers, retries and audit records (tests drive time with it). */
  readonly now?: () => number;
  /** The pause between retries (default: a timer that an abort cuts short); tests record the waits instead. */
  readonly sleep?: Sleep;
  /**
   * The handlers of the manifests' `function` tools, by tool name (beside, and over, those of
   * `tools.handlers_module`). A handler gets the arguments the model sent, already checked
   * against the tool's JSON Schema, and the call's context (its `signal` ends with the call);
   * it returns text, `{ content, isError }` or any JSON value. A function tool without a
   * handler keeps its agent from starting.
   *
   * @example
   * createGateway({ configPath: 'ossa.yaml', tools: { lookup_order: async ({ order_id }) => ({ status: 'shipped' }) } })
   */
  readonly tools?: ToolHandlers;
  /** Tool kinds of your own, asked before the built-in ones (`function`, ...) for each `spec.tools` entry. */
  readonly toolKinds?: readonly ToolKindHandler[];
}

/** A running gateway: the whole pipeline, usable from code, over HTTP, or both. */
export interface Gateway extends GatewayServices {
  readonly registry: AgentRegistry;
  readonly routes: ReadonlyMap<string, AgentRoute>;
  /** The audit log (`undefined` with `security.audit_logging: false`); `close()` flushes it. */
  readonly audit: AuditLog | undefined;
  /**
   * Every secret the config resolved (keys, tokens, the vault's), as one redactor: what comes
   * back from an upstream already went through it; pass anything else from outside (a tool's
   * result) through `secrets.redact(text)` / `secrets.redactValue(json)` before it is logged,
   * counted or sent on. A SIGHUP reload adds the keys it reads.
   */
  readonly secrets: SecretRedactor;
  /**
   * Runs an agent in-process, through the same pipeline as HTTP requests: rate limits (the
   * user is `options.userId`, else `anonymous`; `skipRateLimit: true` runs unlimited), cache,
   * providers. A refusal throws `RateLimitExceededError` or `RateLimitUnavailableError`.
   */
  execute(agent: string, input: string, context?: ExecutionContext, options?: Partial<ExecuteOptions>): Promise<AgentResponse>;
  /** `execute`, streamed: `start`, `delta`s as the upstream answers, `done` (see `AgentStreamEvent`). */
  executeStream(agent: string, input: string, context?: ExecutionContext, options?: Partial<ExecuteOptions>): AsyncIterable<AgentStreamEvent>;
  /** The HTTP API as a Fastify plugin bound to this gateway, for `app.register(gateway.plugin, { prefix })`. */
  readonly plugin: FastifyPluginAsync;
  /** The standalone Fastify server (built on first call). */
  server(): Promise<FastifyInstance>;
  /** Starts the standalone server; `port: 0` picks a free port. */
  listen(options?: { host?: string; port?: number }): Promise<{ url: string; port: number }>;
  /**
   * Re-reads provider keys that come from `file:` or `vault:` (the CLI calls it on SIGHUP):
   * changed keys are used for new calls. A vault that no longer opens keeps every key.
   */
  reloadSecrets(): KeyRotation;
  /** Runs `fn` on `close()`, in reverse order of registration. */
  onClose(fn: () => Promise<void> | void): void;
  /**
   * Starts draining before a shutdown: requests are still served, but `/readyz` answers 503 and
   * every answer closes its connection, so load balancers and keep-alive clients go elsewhere.
   */
  drain(): void;
  /** Stops accepting requests, waits for those in flight, flushes and closes every connection. */
  close(): Promise<void>;
}

/**
 * Builds the gateway from ossa.yaml or a config object: the agents, the shared services
 * (events, secrets, observability, auth, Redis), the request path (`buildPipeline`), and the
 * HTTP API. Throws a `SourceError` listing every problem (config, manifests, providers)
 * before anything listens.
 *
 * @example
 * import { createGateway } from 'ossa-gateway';
 * const gateway = await createGateway({ configPath: 'ossa.yaml' });
 * const answer = await gateway.execute('customer-support', 'Where is my order?');
 * await gateway.listen({ port: 8080 });
 */
export async function createGateway(options: CreateGatewayOptions = {}): Promise<Gateway> {
  const env = options.env ?? process.env;
  const loaded = loadGatewayConfig(options, env);
  const config = loaded.config;
  // Human-readable lines for a developer at a terminal; JSON everywhere else.
  const logger = options.logger ?? createLogger({ level: config.observability.log_level, pretty: config.env === 'dev' && process.stdout.isTTY === true });
  for (const warning of loaded.warnings) logger.warn(formatIssue(warning));

  const events = new EventDispatcher(logger);
  registerAgentExecutionListener(events, logger);

  const now = options.now;
  const source = loaded.file ?? 'config';
  // Opened once: provider keys, the metrics token and admin keys may all be `vault:` references.
  const vault = openConfiguredVault(config, env, source);
  for (const warning of vault.warnings) logger.warn(formatIssue(warning));
  // Every secret the gateway holds, so nothing an upstream echoes of one gets past the adapter.
  const configSecrets = collectConfigSecrets(config, env, vault);
  const secrets = new KnownSecrets(configSecrets.values);
  for (const path of configSecrets.tooShort) {
    logger.warn({ setting: path }, `${path} is shorter than ${MIN_REDACTED_LENGTH} characters: it is not redacted from upstream answers (use a longer key)`);
  }

  const problems: SourceIssue[] = [];
  let registry: AgentRegistry;
  try {
    // Manifests read only the variables manifest_env allows, never a secret of the config's.
    const manifestEnv = manifestEnvironment(config, env, secrets);
    const loadedAgents = AgentRegistry.load(config.manifest_paths, { autoDiscover: config.auto_discover, baseDir: loaded.baseDir, env: manifestEnv });
    registry = loadedAgents.registry;
    for (const warning of loadedAgents.result.warnings) logger.warn(formatIssue(warning));
    logUnenforcedFields(logger, registry.list());
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    problems.push(...error.issues);
    registry = new AgentRegistry([]);
  }
  // Before the pipeline: the collector must hear the events its provider checks dispatch.
  // Metric labels: the agents' names and the pass-through models' ids.
  const served = [...registry.list().map((agent) => agent.name), ...Object.keys(config.models)];
  const observability = createObservability({ config, logger, events, agents: served, ...(now ? { now } : {}) });
  // Every credential the HTTP API accepts: client keys, admin keys, the metrics token; wrong
  // ones are counted per address and per kind, and guessers throttled.
  const authThrottle = new AuthThrottle({ config: config.security.auth_throttle, events, logger, ...(now ? { now } : {}) });
  const auth = Authenticator.fromConfig(config, env, { source, logger, throttle: authThrottle, ...(vault.vault ? { vault: vault.vault } : {}) });
  problems.push(...auth.errors, ...vault.issues);

  let toolHandlers: ToolHandlers = options.tools ?? {};
  if (config.tools.handlers_module !== undefined) {
    const module = await loadHandlersModule(config.tools.handlers_module, source);
    if (module.problem) problems.push(module.problem);
    toolHandlers = { ...module.handlers, ...toolHandlers };
  }

  // One connection per MCP server, shared by every agent; started once the gateway can start.
  const mcp = new McpConnectionManager(config.mcp, { logger, env, ...(vault.vault ? { vault: vault.vault } : {}) });
  const redis = await createSharedRedis(config, logger);
  const pipeline = buildPipeline({
    mcp,
    config, env, logger, events, source, agents: registry.list(), upstreamTime: observability.upstreamTime, secrets,
    ...(vault.vault ? { vault: vault.vault } : {}),
    ...(redis ? { redis } : {}),
    ...(now ? { now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(loaded.locate ? { locate: loaded.locate } : {}),
    toolHandlers,
    ...(options.toolKinds ? { extraToolKinds: options.toolKinds } : {}),
  });
  problems.push(...pipeline.issues);
  for (const warning of pipeline.warnings) logger.warn(formatIssue(warning));
  // Not fatal: the agent whose tool cannot run does not start (its route says why), the others serve.
  for (const problem of pipeline.toolProblems) logger.error(formatIssue(problem));
  observability.providersBuilt(pipeline.circuits);
  observability.modelsConfigured([...pipeline.routes.values(), ...pipeline.models.values()].flatMap((route) => [route.primary, ...route.fallbacks]));

  if (problems.length > 0) {
    await pipeline.close();
    await redis?.close();
    await observability.close();
    throw new SourceError(`the gateway cannot start: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems);
  }

  await redis?.connect();
  // In the background: a slow or dead server holds up no agent that does not use it.
  mcp.start();
  await observability.exportTraces();
  logRoutes(logger, pipeline.routes);
  logRoutes(logger, pipeline.models, 'model');
  const closers: (() => Promise<void> | void)[] = [() => observability.close()];
  if (redis) closers.push(() => redis.close());
  // Failed authentication is counted where the rate limiter counts: shared by every process on Redis.
  if (redis && config.rate_limit.storage === 'redis') {
    authThrottle.shareThrough(new RedisRateLimitStore({ client: redis.client, keyPrefix: redis.keyPrefix, commandTimeoutMs: redis.commandTimeoutMs }));
  }
  closers.push(() => pipeline.close());
  closers.push(() => mcp.close());
  return assembleGateway({ config, env, source, logger, events, observability, registry, pipeline, closers, auth: auth.authenticator, redis, secrets, mcp });
}

function loadGatewayConfig(options: CreateGatewayOptions, env: Environment): LoadedConfig {
  if (options.config !== undefined) return normalizeConfig(options.config, { env, ...(options.baseDir ? { baseDir: options.baseDir } : {}) });
  if (options.configPath !== undefined) return loadConfigFile(options.configPath, env);
  return normalizeConfig({}, { env, ...(options.baseDir ? { baseDir: options.baseDir } : {}) });
}

interface GatewayParts {
  readonly config: OssaConfig;
  readonly env: Environment;
  readonly source: string;
  readonly logger: Logger;
  readonly events: EventDispatcher;
  readonly observability: Observability;
  readonly registry: AgentRegistry;
  readonly pipeline: Pipeline;
  readonly closers: (() => Promise<void> | void)[];
  readonly auth: Authenticator;
  readonly redis: RedisConnection | undefined;
  readonly secrets: KnownSecrets;
  readonly mcp: McpConnectionManager;
}

function assembleGateway(parts: GatewayParts): Gateway {
  const { config, logger, events, observability, registry, pipeline, closers, auth, redis, secrets, mcp } = parts;
  const { runner, executor, routes, models, catalog, circuits, audit, rateLimiter, cache, budgets } = pipeline;
  let app: FastifyInstance | undefined;
  let closing: Promise<void> | undefined;
  let drainRequested = false;
  // Ready while anything can be served: a gateway of pass-through models alone (Claude Code's) has no agents.
  const runnable = (map: ReadonlyMap<string, AgentRoute>): number => [...map.values()].filter((r) => r.unavailable === undefined).length;
  const servable = (): boolean => runnable(routes) + runnable(models) > 0;
  const readinessProbes: ReadinessProbe[] = [
    () => {
      const unavailable = [...routes.values()].filter((r) => r.unavailable !== undefined).map((r) => r.agent.name);
      return {
        name: 'agents',
        status: !servable() ? 'fail' : unavailable.length > 0 ? 'degraded' : 'ok',
        detail: `${routes.size - unavailable.length} of ${routes.size} agents can run`,
        ...(unavailable.length > 0 ? { data: { unavailable } } : {}),
      };
    },
    ...(models.size === 0
      ? []
      : [
          (): ReadinessCheck => {
            const unavailable = [...models.values()].filter((r) => r.unavailable !== undefined).map((r) => r.agent.name);
            return {
              name: 'models',
              status: unavailable.length === 0 ? 'ok' : servable() ? 'degraded' : 'fail',
              detail: `${models.size - unavailable.length} of ${models.size} pass-through models can run`,
              ...(unavailable.length > 0 ? { data: { unavailable } } : {}),
            };
          },
        ]),
    () =>
      [...catalog.values()].map((entry) => ({
        name: `provider:${entry.name}`,
        status: entry.provider ? ('ok' as const) : ('degraded' as const),
        ...(entry.disabledReason ? { detail: entry.disabledReason } : {}),
      })),
    () => circuitChecks(circuits),
  ];
  // Without Redis a fail-closed limiter refuses every request: not ready. Otherwise we serve, degraded.
  // A server that is down fails only the agents that use it (their routes say so): degraded, not failed.
  if (mcp.names().length > 0) readinessProbes.push(() => mcpChecks(mcp));
  if (redis) {
    const failsClosed = (rateLimiter?.backend === 'redis' && !config.rate_limit.fail_open) || (budgets?.backend === 'redis' && !config.budgets.fail_open);
    readinessProbes.push(() => redis.readiness(failsClosed));
  }

  const gateway: Gateway = {
    config,
    logger,
    events,
    observability,
    registry,
    executor,
    runner,
    catalog,
    circuits,
    audit,
    secrets,
    routes,
    readinessProbes,
    auth,
    ...(rateLimiter ? { rateLimiter } : {}),
    ...(budgets ? { budgets } : {}),
    ...(cache ? { cache } : {}),
    get shuttingDown() {
      return closing !== undefined;
    },
    get draining() {
      return drainRequested || closing !== undefined;
    },
    drain() {
      drainRequested = true;
    },
    execute(agent, input, context = {}, options = {}) {
      return runner.execute(agent, input, context, { requestId: options.requestId ?? randomUUID(), ...options });
    },
    executeStream(agent, input, context = {}, options = {}) {
      return runner.executeStream(agent, input, context, { requestId: options.requestId ?? randomUUID(), ...options });
    },
    plugin: async (instance) => {
      await instance.register(ossaGatewayPlugin, { gateway });
    },
    async server() {
      app ??= await buildHttpApp(gateway);
      return app;
    },
    async listen(listenOptions = {}) {
      const server = await gateway.server();
      await server.listen({ host: listenOptions.host ?? config.server.host, port: listenOptions.port ?? config.server.port });
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : config.server.port;
      const host = listenOptions.host ?? config.server.host;
      return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port };
    },
    reloadSecrets: () => reloadSecrets(parts),
    onClose(fn) {
      closers.push(fn);
    },
    close() {
      closing ??= (async () => {
        if (app) await app.close();
        for (const fn of [...closers].reverse()) {
          try {
            await fn();
          } catch (error) {
            logger.error({ err: error }, 'error while closing the gateway');
          }
        }
      })();
      return closing;
    },
  };
  return gateway;
}

/** Re-opens the vault and re-reads `file:` / `vault:` keys; a vault that no longer opens keeps every key. */
function reloadSecrets({ config, env, source, logger, pipeline, secrets }: GatewayParts): KeyRotation {
  const reopened = openConfiguredVault(config, env, source);
  if (reopened.issues.length === 0) {
    // Learnt before the new keys are used, so no answer can echo one unredacted.
    secrets.add(collectConfigSecrets(config, env, reopened).values);
    return pipeline.rotateKeys(reopened.vault);
  }
  const kept = reopened.issues.map((issue) => `keeping every key: ${issue.message}`);
  for (const problem of kept) logger.error(problem);
  return { rotated: [], problems: kept };
}

/** One line per agent that declares fields the gateway does not enforce, naming them (`validate` lists each at its position). */
function logUnenforcedFields(logger: Logger, agents: readonly AgentDefinition[]): void {
  for (const agent of agents) {
    if (agent.unenforced.length === 0) continue;
    logger.warn(
      { agent: agent.name, version: agent.version, fields: agent.unenforced },
      `agent ${agentId(agent)} declares ${agent.unenforced.length === 1 ? 'a field' : `${agent.unenforced.length} fields`} that ossa-gateway does not enforce: ${agent.unenforced.join(', ')}`,
    );
  }
}

/** One line per agent (or pass-through model) at startup, saying who will answer it (and why, when it is not its own provider). */
function logRoutes(logger: Logger, routes: ReadonlyMap<string, AgentRoute>, kind: 'agent' | 'model' = 'agent'): void {
  for (const route of routes.values()) {
    const serving = route.usable[0];
    const name = route.agent.name;
    const base = { [kind]: name, ...(kind === 'agent' ? { version: route.agent.version } : {}), provider: serving?.provider ?? route.primary.provider, model: serving?.model ?? route.primary.model };
    if (route.unavailable) logger.warn(base, `${kind} ${name} cannot run: ${route.unavailable}`);
    else if (serving && serving.provider !== route.primary.provider) {
      logger.info({ ...base, wanted: route.primary.provider }, `${kind} ${name}: ${route.primary.provider} is disabled; answering through ${serving.provider} (${serving.model})`);
    } else logger.info(base, `${kind} ${name} -> ${base.provider} (${base.model})`);
  }
  if (kind === 'model') return;
  const providers = new Set([...routes.values()].map((r) => r.usable[0]?.provider).filter(Boolean));
  if (providers.size === 1 && providers.has('echo')) {
    logger.info({ provider: 'echo' }, 'offline mode: every agent answers through the echo provider (set ANTHROPIC_API_KEY or OPENAI_API_KEY to use a real model)');
  }
}
