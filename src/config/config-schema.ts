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
  default_max_tokens: integer(1),
  timeout: withDefault(positive, 30),
  max_retries: withDefault(integer(0), 2),
  allow_insecure_http: withDefault(flag, false),
  max_connections: withDefault(integer(1), 64),
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
  auto_discover: withDefault(flag, true),
  server: section({
    host: withDefault(text, '127.0.0.1'),
    // 0 asks the OS for any free port (tests).
    port: withDefault(port(0), 8080),
    body_limit: withDefault(byteSize, 1_048_576),
    shutdown_timeout: withDefault(positive, 10),
    shutdown_delay: withDefault({ type: 'number', minimum: 0 }, 0),
    trust_proxy: withDefault(flag, false),
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
  }),
  agents: withDefault({ type: 'object', additionalProperties: mapping({ cache_ttl: integer(0) }) }, {}),
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
