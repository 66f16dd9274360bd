import type { OSSA_CONFIG_SCHEMA } from './config-schema.js';
import type { FromSchema } from './from-schema.js';

/**
 * The gateway's configuration: the `ossa:` tree of ossa.yaml after `${VAR}` interpolation,
 * validation and defaults, typed from its schema (`OSSA_CONFIG_SCHEMA` in `config-schema.ts`,
 * where each key is declared and documented once). Keys keep the file's snake_case so the
 * YAML, the library API and the README speak one language. Secret-valued keys (`api_key`,
 * client `key`, `admin_keys`, `metrics_token`) hold the *reference* as written (`${VAR}`,
 * `file:...`, `vault:NAME`, or a literal); the secrets module resolves them.
 */
export type OssaConfig = FromSchema<typeof OSSA_CONFIG_SCHEMA>;

/** `server`. */
export type ServerConfig = OssaConfig['server'];
/** `server.cors`: which web origins may call the gateway from a browser. */
export type CorsConfig = NonNullable<ServerConfig['cors']>;
/** `redis`. */
export type RedisConfig = OssaConfig['redis'];
/** `providers.<name>`. */
export type ProviderConfig = OssaConfig['providers'][string];
/** `providers.<name>.circuit_breaker`. */
export type CircuitBreakerConfig = ProviderConfig['circuit_breaker'];
/** `rate_limit`. */
export type RateLimitConfig = OssaConfig['rate_limit'];
/** `rate_limit.user`, `rate_limit.global`, a client's `rate_limit.user`. */
export type RateLimitBucketConfig = NonNullable<RateLimitConfig['user']>;
/** `budgets`. */
export type BudgetsConfig = OssaConfig['budgets'];
/** `budgets.user`, `budgets.global`, `budgets.clients.<id>`. */
export type BudgetLimitsConfig = NonNullable<BudgetsConfig['user']>;
/** `cache`. */
export type CacheConfig = OssaConfig['cache'];
/**
 * `cache.scope`: who may be served an answer cached for someone else: `global` (every caller:
 * the best hit rate), `client` (callers with the same client key), `user` (the same user of the
 * same client).
 */
export type CacheScope = CacheConfig['scope'];
/** `models.<id>`: a pass-through model. */
export type PassThroughModelConfig = OssaConfig['models'][string];
/** `agents.<name>`. */
export type AgentOverrides = OssaConfig['agents'][string];
/** `tools`. */
export type ToolsConfig = OssaConfig['tools'];
/** `tools.http`: what http / api manifest tools may reach. */
export type HttpToolsConfig = ToolsConfig['http'];
/** `security`. */
export type SecurityConfig = OssaConfig['security'];
/** `security.audit`. */
export type AuditConfig = SecurityConfig['audit'];
/** `security.pii_detection`: the gateway-wide PII policy. */
export type PiiDetectionConfig = SecurityConfig['pii_detection'];
/** `security.auth_throttle`. */
export type AuthThrottleConfig = SecurityConfig['auth_throttle'];
/** `security.clients[]`. */
export type ClientConfig = SecurityConfig['clients'][number];
/** `mcp`. */
export type McpConfig = OssaConfig['mcp'];
/** `mcp.servers.<name>`: one MCP server. */
export type McpServerConfig = McpConfig['servers'][string];
/** `observability`. */
export type ObservabilityConfig = OssaConfig['observability'];

/** Secret-valued key paths (`*` matches one map key or array index): never interpolated, never logged. */
export const SECRET_KEY_PATHS: readonly string[] = [
  'providers.*.api_key',
  'security.clients.*.key',
  'security.admin_keys.*',
  'observability.metrics_token',
  'mcp.servers.*.env.*',
  'mcp.servers.*.headers.*',
];
