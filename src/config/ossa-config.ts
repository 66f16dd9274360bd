import type { ProviderType } from '../providers/provider.js';

/**
 * The gateway's configuration: the `ossa:` tree of ossa.yaml after `${VAR}` interpolation,
 * validation and defaults. Keys keep the file's snake_case so the YAML, the library API and
 * the README speak one language. Secret-valued keys (`api_key`, client `key`, `admin_keys`,
 * `metrics_token`) hold the *reference* as written (`${VAR}`, `file:...`, `vault:NAME`, or a
 * literal); the secrets module resolves them.
 */
export interface OssaConfig {
  env: 'dev' | 'prod';
  default_provider: string;
  default_model?: string;
  default_temperature: number;
  default_max_tokens: number;
  /** Files or directories; relative paths are resolved against the config file's directory. */
  manifest_paths: string[];
  /** Find `*.ossa.yaml|yml|json` in directories of `manifest_paths` (recursively). */
  auto_discover: boolean;
  /**
   * The environment variables `${VAR}` in a manifest's llm block may read: names or patterns
   * with `*` (default `OSSA_LLM_*`, `LLM_*`). A variable the config reads a secret from is
   * never readable; see `manifestEnvironment`.
   */
  manifest_env: string[];
  server: ServerConfig;
  redis: RedisConfig;
  providers: Record<string, ProviderConfig>;
  rate_limit: RateLimitConfig;
  cache: CacheConfig;
  /** Per-agent overrides, keyed by agent name. */
  agents: Record<string, AgentOverrides>;
  security: SecurityConfig;
  observability: ObservabilityConfig;
}

export interface ServerConfig {
  host: string;
  port: number;
  /** Largest request body in bytes; larger bodies get 413. */
  body_limit: number;
  /** Seconds to finish in-flight requests after SIGTERM. */
  shutdown_timeout: number;
  /**
   * Seconds between SIGTERM and closing the listener, spent draining: requests are still served,
   * `/readyz` answers 503 and every answer closes its connection, so a load balancer moves the
   * traffic elsewhere before the port stops answering. `shutdown_timeout` starts after it.
   */
  shutdown_delay: number;
  /**
   * Which `X-Forwarded-For` hops are the gateway's own proxies (Fastify's `trustProxy`): `false`
   * (none: the client IP is the socket's peer), a number of hops, or the proxies' addresses and
   * CIDRs (`loopback`, `linklocal`, `uniquelocal` too). The client IP is the nearest address
   * that is not a trusted proxy. `true` trusts every hop (a client can forge its IP): refused
   * in prod, warned about in dev.
   */
  trust_proxy: boolean | number | string[];
  /** Cross-origin access for browser apps; absent: off (no CORS headers, preflights are 404). */
  cors?: CorsConfig;
  /** Seconds to receive a request's headers (from the connection or the previous answer); then 408 and close. */
  headers_timeout: number;
  /** Seconds the request body may pause between two chunks; then the socket is closed. */
  body_timeout: number;
  /** Seconds to receive a whole request, headers and body; then 408 and close. */
  request_timeout: number;
  /** Seconds an idle keep-alive connection stays open after an answer. */
  keep_alive_timeout: number;
  /** Open client connections at most; more are closed on arrival. */
  max_connections: number;
}

/** `server.cors`: which web origins may call the gateway from a browser. */
export interface CorsConfig {
  /** `https://app.example.com`, `https://*.example.com` (its subdomains) or `*` (any origin). */
  origins: string[];
  /** Seconds a browser may cache a preflight's answer (`Access-Control-Max-Age`). */
  max_age: number;
}

export interface RedisConfig {
  url?: string;
  /** A command that takes longer fails (fail-open/closed decides what happens next). */
  command_timeout_ms: number;
  key_prefix: string;
}

export interface ProviderConfig {
  type: ProviderType;
  api_key?: string;
  base_url?: string;
  /** The model a fallback to this provider uses when the agent's model belongs to another. */
  model?: string;
  /** Per-attempt timeout, seconds. */
  timeout: number;
  max_retries: number;
  allow_insecure_http: boolean;
  /** Upstream connections kept open per provider. */
  max_connections: number;
  /** Largest upstream answer in bytes (JSON, or a whole stream); a larger one fails the attempt, not retried. */
  max_response_bytes: number;
  /**
   * OpenAI types only: the body field for the token limit. Absent: `max_completion_tokens` for
   * OpenAI's reasoning models (o-series, gpt-5 family) on type `openai`, else `max_tokens`.
   */
  max_tokens_param?: 'max_tokens' | 'max_completion_tokens';
  circuit_breaker: CircuitBreakerConfig;
}

export interface CircuitBreakerConfig {
  enabled: boolean;
  failure_threshold: number;
  /** Seconds the circuit stays open before one trial request. */
  reset_timeout: number;
  backoff_multiplier: number;
  initial_backoff_ms: number;
  max_backoff_ms: number;
  /** A Retry-After longer than this fails over instead of sleeping. */
  max_retry_after_ms: number;
  fallback_providers: string[];
}

export interface RateLimitBucketConfig {
  limit: number;
  /** A duration: `"1 hour"`, `"30 seconds"`, `"1m"`, or seconds as a number. */
  interval: string | number;
}

export interface RateLimitConfig {
  enabled: boolean;
  storage: 'memory' | 'redis';
  fail_open: boolean;
  user?: RateLimitBucketConfig;
  global?: RateLimitBucketConfig;
}

export interface CacheConfig {
  enabled: boolean;
  storage: 'memory' | 'file' | 'redis';
  /** Seconds. */
  response_ttl: number;
  max_entries: number;
  max_bytes: number;
  /** Directory of the file store. */
  path: string;
  /** Who shares cached answers (see `CacheScope`); after loading, `client` when clients are configured, else `global`. */
  scope: CacheScope;
}

/**
 * Who may be served an answer cached for someone else: `global` (every caller: the best hit
 * rate), `client` (callers with the same client key), `user` (the same user of the same client).
 */
export type CacheScope = 'global' | 'client' | 'user';

export interface AgentOverrides {
  /** Seconds; 0 disables caching for the agent. */
  cache_ttl?: number;
  /** Replaces `cache.scope` for this agent (a public FAQ agent may share globally while the others do not). */
  cache_scope?: CacheScope;
}

export interface ClientConfig {
  id: string;
  key?: string;
  key_sha256?: string;
  rate_limit?: { user?: RateLimitBucketConfig };
  /** Agent names or globs (`support-*`). Absent: every agent. */
  agents?: string[];
  /** May skip the cache's lookup (`"cache": "refresh" | "bypass"`, `Cache-Control: no-cache | no-store`); otherwise 403. Default false. */
  cache_control?: boolean;
}

export interface AuditConfig {
  sink: 'file' | 'stdout' | 'syslog';
  path: string;
  include_content: boolean;
  max_file_bytes: number;
  max_files: number;
  syslog: { transport: 'udp' | 'unix'; host: string; port: number; path: string; app_name: string };
}

export interface SecurityConfig {
  audit_logging: boolean;
  audit: AuditConfig;
  allow_plaintext_keys: boolean;
  /** Absent: on in `prod`, off in `dev`. */
  enforce_https?: boolean;
  clients: ClientConfig[];
  admin_keys: string[];
  trust_user_header: boolean;
  auth_throttle: AuthThrottleConfig;
  secrets: { vault_dir: string; decrypt_key_file?: string };
}

/**
 * Throttling of failed authentication (client keys, admin keys, the metrics token): each
 * failure takes a token from its source address's bucket and from its credential kind's
 * bucket; an empty bucket answers 429 without checking the key. Stored as `rate_limit.storage`.
 */
export interface AuthThrottleConfig {
  enabled: boolean;
  /** Failures one address may make (default 10 per minute); then its requests with a key get 429, unchecked. */
  per_address: RateLimitBucketConfig;
  /**
   * Failures for one kind of key from every address together (default 100 per minute); then
   * only addresses that used such a key successfully before are still checked.
   */
  per_credential: RateLimitBucketConfig;
}

export interface ObservabilityConfig {
  log_level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  metrics: boolean;
  metrics_token?: string;
  otlp_endpoint?: string;
  service_name: string;
}

/** Secret-valued key paths (`*` matches one map key or array index): never interpolated, never logged. */
export const SECRET_KEY_PATHS: readonly string[] = [
  'providers.*.api_key',
  'security.clients.*.key',
  'security.admin_keys.*',
  'observability.metrics_token',
];
