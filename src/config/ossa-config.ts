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
  /** Trust X-Forwarded-For for the client IP. */
  trust_proxy: boolean;
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
  /**
   * Max tokens for agents whose manifest sets none, on this provider. Absent: the type's
   * default (4096 for `anthropic`, as the OSSA reference runtime), else `default_max_tokens`.
   */
  default_max_tokens?: number;
  /** Per-attempt timeout, seconds. */
  timeout: number;
  max_retries: number;
  allow_insecure_http: boolean;
  /** Upstream connections kept open per provider. */
  max_connections: number;
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
}

export interface AgentOverrides {
  /** Seconds; 0 disables caching for the agent. */
  cache_ttl?: number;
}

export interface ClientConfig {
  id: string;
  key?: string;
  key_sha256?: string;
  rate_limit?: { user?: RateLimitBucketConfig };
  /** Agent names or globs (`support-*`). Absent: every agent. */
  agents?: string[];
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
  secrets: { vault_dir: string; decrypt_key_file?: string };
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
