import type { SchemaObject } from 'ajv';
import { PROVIDER_TYPES } from '../providers/provider.js';

/*
 * The `ossa:` tree of ossa.yaml as a JSON Schema (draft-07), with the defaults that make an
 * `OssaConfig`. Every mapping rejects unknown keys except the two keyed by user-chosen names
 * (`providers`, `agents`). `format: duration` / `format: byte-size` and the annotation keyword
 * `expected` (the phrase error messages use) are registered by `config-validator.ts`.
 */

const integer = (minimum: number, maximum?: number): SchemaObject => ({
  type: 'integer',
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
});
/** Seconds, milliseconds or a count that must be above zero but may be fractional. */
const positive: SchemaObject = { type: 'number', exclusiveMinimum: 0 };
const text: SchemaObject = { type: 'string', minLength: 1 };
const flag: SchemaObject = { type: 'boolean' };
const port = (minimum: number): SchemaObject => integer(minimum, 65535);
const byteSize: SchemaObject = { type: ['integer', 'string'], minimum: 1, format: 'byte-size' };
const duration: SchemaObject = { type: ['number', 'string'], exclusiveMinimum: 0, format: 'duration' };
const withDefault = (schema: SchemaObject, value: unknown): SchemaObject => ({ ...schema, default: value });
const mapping = (properties: Record<string, SchemaObject>, required: string[] = []): SchemaObject => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required.length > 0 ? { required } : {}),
});
/** A nested mapping that is filled with its own defaults when absent. */
const section = (properties: Record<string, SchemaObject>): SchemaObject => withDefault(mapping(properties), {});
const names: SchemaObject = { type: 'array', items: text, uniqueItems: true };
/** A key or a reference to one: a mistake in it is reported without quoting the value. */
const secretText: SchemaObject = { ...text, secret: true };

const cacheScope: SchemaObject = { type: 'string', enum: ['global', 'client', 'user'] };

const bucket = mapping({ limit: integer(1), interval: duration }, ['limit', 'interval']);

const circuitBreaker = section({
  enabled: withDefault(flag, true),
  failure_threshold: withDefault(integer(1), 5),
  reset_timeout: withDefault(positive, 30),
  backoff_multiplier: withDefault({ type: 'number', minimum: 1 }, 2),
  initial_backoff_ms: withDefault(integer(0), 200),
  max_backoff_ms: withDefault(integer(0), 10_000),
  max_retry_after_ms: withDefault(integer(0), 10_000),
  fallback_providers: withDefault(names, []),
});

const provider = mapping({
  type: { type: 'string', enum: [...PROVIDER_TYPES] },
  api_key: secretText,
  base_url: text,
  model: text,
  timeout: withDefault(positive, 30),
  max_retries: withDefault(integer(0), 2),
  allow_insecure_http: withDefault(flag, false),
  max_connections: withDefault(integer(1), 64),
  // Larger answers (JSON, or a whole stream) fail the attempt; never more is held in memory.
  max_response_bytes: withDefault(byteSize, 33_554_432),
  max_tokens_param: { type: 'string', enum: ['max_tokens', 'max_completion_tokens'] },
  circuit_breaker: circuitBreaker,
});

const client = mapping(
  {
    id: text,
    key: secretText,
    // A key pasted here instead of its digest is a key all the same.
    key_sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', expected: '64 hexadecimal characters (a SHA-256 digest)', secret: true },
    rate_limit: mapping({ user: bucket }),
    agents: names,
    // May send "cache": "refresh" / "bypass" (and Cache-Control: no-cache / no-store).
    cache_control: withDefault(flag, false),
  },
  ['id'],
);

/** The JSON Schema of the `ossa:` tree, defaults included (see `OssaConfig`). */
export const OSSA_CONFIG_SCHEMA: SchemaObject = mapping({
  env: withDefault({ type: 'string', enum: ['dev', 'prod'] }, 'dev'),
  default_provider: withDefault(text, 'echo'),
  default_model: text,
  default_temperature: withDefault({ type: 'number', minimum: 0, maximum: 2 }, 0.7),
  default_max_tokens: withDefault(integer(1), 1024),
  manifest_paths: withDefault({ type: 'array', items: text }, ['agents']),
  // What `${VAR}` in a manifest's llm block may read: names, or patterns with `*`.
  manifest_env: withDefault(
    { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z_*][A-Za-z0-9_*]*$', expected: 'a variable name or a pattern such as OSSA_LLM_*' } },
    ['OSSA_LLM_*', 'LLM_*'],
  ),
  auto_discover: withDefault(flag, true),
  server: section({
    host: withDefault(text, '127.0.0.1'),
    // 0 asks the OS for any free port (tests).
    port: withDefault(port(0), 8080),
    body_limit: withDefault(byteSize, 1_048_576),
    shutdown_timeout: withDefault(positive, 10),
    shutdown_delay: withDefault({ type: 'number', minimum: 0 }, 0),
    // false, a hop count, or the trusted proxies' addresses and CIDRs (checked in config-checks.ts).
    trust_proxy: withDefault(
      { type: ['boolean', 'integer', 'array'], minimum: 0, items: text, expected: 'false, a number of proxy hops (e.g. 1), or a list of trusted proxy addresses and CIDRs' },
      false,
    ),
    cors: mapping(
      {
        origins: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', pattern: '^(\\*|https?://(\\*\\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?)$', expected: 'an origin such as "https://app.example.com", "https://*.example.com" or "*"' },
        },
        max_age: withDefault(integer(0, 86_400), 600),
      },
      ['origins'],
    ),
    // Seconds. A client that is slower is cut off (408, or the socket closed), so slow or idle
    // connections cannot pile up.
    headers_timeout: withDefault(positive, 10),
    body_timeout: withDefault(positive, 10),
    request_timeout: withDefault(positive, 30),
    keep_alive_timeout: withDefault(positive, 5),
    max_connections: withDefault(integer(1), 4096),
  }),
  redis: section({
    url: text,
    command_timeout_ms: withDefault(integer(1), 50),
    key_prefix: withDefault({ type: 'string' }, 'ossa:'),
  }),
  providers: withDefault({ type: 'object', additionalProperties: provider }, {}),
  rate_limit: section({
    enabled: withDefault(flag, true),
    storage: withDefault({ type: 'string', enum: ['memory', 'redis'] }, 'memory'),
    fail_open: withDefault(flag, true),
    user: bucket,
    global: bucket,
  }),
  cache: section({
    enabled: withDefault(flag, true),
    storage: withDefault({ type: 'string', enum: ['memory', 'file', 'redis'] }, 'memory'),
    response_ttl: withDefault(integer(1), 3600),
    max_entries: withDefault(integer(1), 10_000),
    max_bytes: withDefault(byteSize, 67_108_864),
    path: withDefault(text, 'var/cache'),
    // No default here: `client` when security.clients is configured, else `global` (normalize-values.ts).
    scope: cacheScope,
  }),
  agents: withDefault({ type: 'object', additionalProperties: mapping({ cache_ttl: integer(0), cache_scope: cacheScope }) }, {}),
  security: section({
    audit_logging: withDefault(flag, true),
    audit: section({
      sink: withDefault({ type: 'string', enum: ['file', 'stdout', 'syslog'] }, 'file'),
      path: withDefault(text, 'var/audit/audit.jsonl'),
      include_content: withDefault(flag, false),
      max_file_bytes: withDefault(byteSize, 104_857_600),
      max_files: withDefault(integer(1), 5),
      syslog: section({
        transport: withDefault({ type: 'string', enum: ['udp', 'unix'] }, 'udp'),
        host: withDefault(text, '127.0.0.1'),
        port: withDefault(port(1), 514),
        path: withDefault(text, '/dev/log'),
        app_name: withDefault(text, 'ossa-gateway'),
      }),
    }),
    allow_plaintext_keys: withDefault(flag, false),
    enforce_https: flag,
    clients: withDefault({ type: 'array', items: client }, []),
    admin_keys: withDefault({ type: 'array', items: secretText }, []),
    trust_user_header: withDefault(flag, false),
    // Failed authentication: per source address, and per kind of credential from anywhere.
    auth_throttle: section({
      enabled: withDefault(flag, true),
      per_address: withDefault(bucket, { limit: 10, interval: '1 minute' }),
      per_credential: withDefault(bucket, { limit: 100, interval: '1 minute' }),
    }),
    secrets: section({
      vault_dir: withDefault(text, 'config/secrets'),
      decrypt_key_file: text,
    }),
  }),
  observability: section({
    log_level: withDefault({ type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }, 'info'),
    metrics: withDefault(flag, true),
    metrics_token: secretText,
    otlp_endpoint: text,
    service_name: withDefault(text, 'ossa-gateway'),
  }),
});
