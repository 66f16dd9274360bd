import type { SchemaObject } from 'ajv';
import type { FromSchema, Prefilled } from './from-schema.js';
import { PROVIDER_TYPES } from '../providers/provider-kinds.js';
import { PII_TYPES } from '../safety/pii/pii-type.js';

/*
 * The `ossa:` tree of ossa.yaml as a JSON Schema (draft-07), with the defaults that make an
 * `OssaConfig`: the one source of both. `OssaConfig` is this schema's type (`FromSchema`), so
 * a key is added here, once, with its doc comment, and `tsc` checks every default against its
 * schema. Every mapping rejects unknown keys except the two keyed by user-chosen names
 * (`providers`, `agents`). `format: duration` / `format: byte-size` and the annotation keywords
 * `expected` (the phrase error messages use), `secret` (never quoted) and `file` (resolved
 * against the config file's directory) are registered by `config-validator.ts`.
 */

const integer = (minimum: number, maximum?: number) =>
  ({ type: 'integer', minimum, ...(maximum === undefined ? {} : { maximum }) }) as const;
/** Seconds, milliseconds or a count that must be above zero but may be fractional. */
const positive = { type: 'number', exclusiveMinimum: 0 } as const;
const text = { type: 'string', minLength: 1 } as const;
const flag = { type: 'boolean' } as const;
const port = (minimum: number) => integer(minimum, 65535);
/** Bytes, or a size such as `"64mb"` (normalized to bytes). */
const byteSize = { type: ['integer', 'string'], minimum: 1, format: 'byte-size' } as const;
/** Seconds, or a duration such as `"1 hour"`, `"30 seconds"`, `"1m"`. */
const duration = { type: ['number', 'string'], exclusiveMinimum: 0, format: 'duration' } as const;
/** A file or directory; a relative one is resolved against the config file's directory. */
const filePath = { ...text, file: true } as const;
const withDefault = <const S extends SchemaObject>(schema: S, value: FromSchema<S>): S & { readonly default: FromSchema<S> } => ({ ...schema, default: value });
const mapping = <const P extends Record<string, SchemaObject>, const R extends readonly (keyof P & string)[] = []>(properties: P, required?: R) =>
  // The type says `required: R` also when the list is empty and left out of the schema: no key is required then.
  ({ type: 'object', additionalProperties: false, properties, ...(required && required.length > 0 ? { required } : {}) }) as unknown as {
    readonly type: 'object';
    readonly additionalProperties: false;
    readonly properties: P;
    readonly required: R;
  };
/** A nested mapping that is filled with its own defaults when absent. */
const section = <const P extends Record<string, SchemaObject>>(properties: P) => ({ ...mapping(properties), default: {} }) as const;
/** A key the schema leaves optional but a valid config always has (see `Prefilled`); the schema itself is unchanged. */
const prefilled = <const S extends SchemaObject>(schema: S): S & Prefilled => schema as S & Prefilled;
const names = { type: 'array', items: text, uniqueItems: true } as const;
/** A key or a reference to one: a mistake in it is reported without quoting the value. */
const secretText = { ...text, secret: true } as const;

const cacheScope = { type: 'string', enum: ['global', 'client', 'user'] } as const;

const bucket = mapping({ limit: integer(1), interval: duration }, ['limit', 'interval']);

/** The budgets of one subject (a user, a client key, the whole gateway); each is a fixed UTC window. */
const budgetLimits = mapping({
  /** Input + output tokens per minute. */
  tokens_per_minute: integer(1),
  /** Input + output tokens per UTC day. */
  tokens_per_day: integer(1),
  /** USD per UTC day, priced by `budgets.prices`. */
  cost_per_day: positive,
});

/** USD per million tokens, as the vendors' price lists give them. */
const modelPrice = mapping({ input: { type: 'number', minimum: 0 }, output: { type: 'number', minimum: 0 } }, ['input', 'output']);

const circuitBreaker = section({
  enabled: withDefault(flag, true),
  failure_threshold: withDefault(integer(1), 5),
  /** Seconds the circuit stays open before one trial request. */
  reset_timeout: withDefault(positive, 30),
  backoff_multiplier: withDefault({ type: 'number', minimum: 1 }, 2),
  initial_backoff_ms: withDefault(integer(0), 200),
  max_backoff_ms: withDefault(integer(0), 10_000),
  /** A Retry-After longer than this fails over instead of sleeping. */
  max_retry_after_ms: withDefault(integer(0), 10_000),
  fallback_providers: withDefault(names, []),
});

const provider = mapping({
  // Given by the name (`anthropic:`) before validation, else required by a cross-check that says which types there are.
  type: prefilled({ type: 'string', enum: [...PROVIDER_TYPES] }),
  api_key: secretText,
  base_url: text,
  /** The model a fallback to this provider uses when the agent's model belongs to another. */
  model: text,
  /**
   * Max tokens for agents whose manifest sets none, on this provider. Absent: the type's
   * default (4096 for `anthropic`, as the OSSA reference runtime), else `default_max_tokens`.
   */
  default_max_tokens: integer(1),
  /** Per-attempt timeout, seconds. */
  timeout: withDefault(positive, 30),
  /** Retries after the first attempt; 0: one attempt per call. */
  max_retries: withDefault(integer(0), 2),
  allow_insecure_http: withDefault(flag, false),
  /** Upstream connections kept open per provider. */
  max_connections: withDefault(integer(1), 64),
  /** Larger answers (JSON, or a whole stream) fail the attempt as non-retryable; never more is held in memory. */
  max_response_bytes: withDefault(byteSize, 33_554_432),
  /**
   * OpenAI types only: the body field for the token limit. Absent: `max_completion_tokens` for
   * OpenAI's reasoning models (o-series, gpt-5 family) on type `openai`, else `max_tokens`.
   */
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
    /** Agent names or globs (`support-*`). Absent: every agent. */
    agents: names,
    /**
     * Pass-through model ids (`models.<id>`) or globs (`claude-*`). Absent: every model when the
     * client has no `agents` list either; a client limited to some agents reaches no model
     * until this names it.
     */
    models: names,
    // May send "cache": "refresh" / "bypass" (and Cache-Control: no-cache / no-store).
    cache_control: withDefault(flag, false),
  },
  ['id'],
);

/**
 * `models.<id>`: a provider's model served under an id, beside the agents, on the OpenAI and
 * Anthropic surfaces. The client's own system prompt, tools and settings are sent as given
 * (no agent prompt), through the same pipeline (checked in config-checks.ts).
 */
const passThroughModel = mapping(
  {
    /** A configured provider's name (or the one provider of that type). */
    provider: text,
    /** The model asked of the provider. Absent: the id itself (`claude-sonnet-4-5: {provider: anthropic}`). */
    model: text,
    /** Tried in order when the provider cannot answer; a fallback without `model` uses its provider's `model`. Absent: the provider's `circuit_breaker.fallback_providers`. */
    fallback: { type: 'array', items: mapping({ provider: text, model: text }, ['provider']) },
    /** The most tokens an answer may ask for, and what a request that asks none gets. Absent: the client's value as given, else `default_max_tokens`. */
    max_tokens: integer(1),
    /** What a request that sets no temperature gets. Absent: `default_temperature`. */
    temperature: { type: 'number', minimum: 0, maximum: 2 },
  },
  ['provider'],
);

/**
 * `tools.http`: what manifest tools of `type: http` / `api` may reach. Nothing by default: a
 * manifest is often written by another team, and its endpoint is where the gateway sends the
 * model's arguments and the tool's credentials.
 */
const httpTools = section({
  /**
   * Hosts an http tool may call: `api.example.com` (any port), `api.example.com:8443` (that
   * port), `*.example.com` (its subdomains, not the apex), `127.0.0.1`, `[::1]:8080`. Empty: every
   * http tool is refused at load, naming the host to add.
   */
  allowed_hosts: withDefault(
    {
      type: 'array',
      uniqueItems: true,
      items: {
        type: 'string',
        pattern: '^((\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?$',
        expected: 'a host such as "api.example.com", "api.example.com:8443", "*.example.com" or "127.0.0.1"',
      },
    },
    [],
  ),
  /** Largest tool answer read; past it the call fails (never more is held in memory). */
  max_response_bytes: withDefault(byteSize, 1_048_576),
  /** Plain http to a host that is not loopback (127.0.0.0/8, ::1, localhost); off: such a tool is refused at load. */
  allow_insecure_http: withDefault(flag, false),
  /** Redirects followed per call, to the same origin only (a redirect to another host is refused). */
  max_redirects: withDefault(integer(0, 10), 3),
});

/**
 * `mcp.servers.<name>`: an MCP server the gateway connects to (one connection, shared by every
 * agent whose manifest names it), as the Symfony bundle's `ossa.mcp.servers.<name>`. `command`
 * for `stdio`, `url` for the HTTP transports (checked in config-checks.ts). Values of `env`
 * and `headers` may be secrets (`${VAR}`, `file:`, `vault:`): resolved when connecting,
 * never logged, redacted from tool results.
 */
const mcpServer = mapping({
  /** `http` is OSSA's name for `streamable-http`. */
  transport: { type: 'string', enum: ['stdio', 'streamable-http', 'http', 'sse'] },
  /** `stdio`: the program to start (found on PATH), and its arguments. */
  command: text,
  args: withDefault({ type: 'array', items: { type: 'string' } }, []),
  /** `stdio`: variables for the server, beside a minimal inherited set (PATH, HOME, ...); never the gateway's own environment. */
  env: withDefault({ type: 'object', additionalProperties: { type: 'string', secret: true } }, {}),
  /** `stdio`: the server's working directory. */
  cwd: filePath,
  /** `streamable-http` / `sse`: the server's endpoint. */
  url: text,
  /** `streamable-http` / `sse`: sent with every request (`Authorization: ${MCP_TOKEN}`). */
  headers: withDefault({ type: 'object', additionalProperties: { type: 'string', secret: true } }, {}),
  /** Seconds a `tools/call` may take when the manifest's tool sets no `timeout_seconds`. */
  timeout: withDefault(positive, 30),
  /** Seconds to connect and list the tools; then the server counts as down (and is retried). */
  connect_timeout: withDefault(positive, 10),
  /** A tool result larger than this (its text) is cut, saying so. */
  max_result_bytes: withDefault(byteSize, 262_144),
  /** Reconnection after the transport closed or failed: exponential, from the first delay to the last. */
  reconnect: section({
    initial_delay_ms: withDefault(integer(1), 500),
    max_delay_ms: withDefault(integer(1), 30_000),
  }),
});

/** The JSON Schema of the `ossa:` tree, defaults included; its type is `OssaConfig`. */
export const OSSA_CONFIG_SCHEMA = mapping({
  env: withDefault({ type: 'string', enum: ['dev', 'prod'] }, 'dev'),
  default_provider: withDefault(text, 'echo'),
  default_model: text,
  default_temperature: withDefault({ type: 'number', minimum: 0, maximum: 2 }, 0.7),
  default_max_tokens: withDefault(integer(1), 1024),
  /** Files or directories of manifests. */
  manifest_paths: withDefault({ type: 'array', items: filePath }, ['agents']),
  /**
   * What `${VAR}` in a manifest's llm block may read: names, or patterns with `*` (a pattern
   * never matches a name holding KEY, TOKEN, SECRET, PASSWORD...; the variables the config reads
   * secrets from are always refused).
   */
  manifest_env: withDefault(
    { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z_*][A-Za-z0-9_*]*$', expected: 'a variable name or a pattern such as OSSA_LLM_*' } },
    ['OSSA_LLM_*', 'LLM_*'],
  ),
  /** Find `*.ossa.yaml|yml|json` in directories of `manifest_paths` (recursively). */
  auto_discover: withDefault(flag, true),
  server: section({
    host: withDefault(text, '127.0.0.1'),
    // 0 asks the OS for any free port (tests).
    port: withDefault(port(0), 8080),
    /**
     * Processes `serve` runs (node:cluster; the `--workers` flag wins): a number, or `"auto"`
     * (one per core, `os.availableParallelism()`). 1: one process, no cluster. With more, every
     * store that enforces a limit must be shared (Redis, or the file cache): `serve` refuses
     * memory-backed rate limits, budgets and cache (checked by the CLI, `cluster/`).
     */
    workers: withDefault({ type: ['integer', 'string'], minimum: 1, maximum: 1024, pattern: '^auto$', expected: 'a number of worker processes (1 or more) or "auto" (one per core)' }, 1),
    /** Largest request body in bytes; larger bodies get 413. */
    body_limit: withDefault(byteSize, 1_048_576),
    /** Seconds to finish in-flight requests after SIGTERM. */
    shutdown_timeout: withDefault(positive, 10),
    /**
     * Seconds between SIGTERM and closing the listener, spent draining: requests are still served,
     * `/readyz` answers 503 and every answer closes its connection, so a load balancer moves the
     * traffic elsewhere before the port stops answering. `shutdown_timeout` starts after it.
     */
    shutdown_delay: withDefault({ type: 'number', minimum: 0 }, 0),
    /**
     * Which `X-Forwarded-For` hops are the gateway's own proxies (Fastify's `trustProxy`): `false`
     * (none: the client IP is the socket's peer), a number of hops, or the proxies' addresses and
     * CIDRs (`loopback`, `linklocal`, `uniquelocal` too). The client IP is the nearest address
     * that is not a trusted proxy. `true` trusts every hop (a client can forge its IP): refused
     * in prod, warned about in dev (checked in config-checks.ts).
     */
    trust_proxy: withDefault(
      { type: ['boolean', 'integer', 'array'], minimum: 0, items: text, expected: 'false, a number of proxy hops (e.g. 1), or a list of trusted proxy addresses and CIDRs' },
      false,
    ),
    /** Cross-origin access for browser apps; absent: off (no CORS headers, preflights are 404). */
    cors: mapping(
      {
        /** `https://app.example.com`, `https://*.example.com` (its subdomains) or `*` (any origin). */
        origins: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', pattern: '^(\\*|https?://(\\*\\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?)$', expected: 'an origin such as "https://app.example.com", "https://*.example.com" or "*"' },
        },
        /** Seconds a browser may cache a preflight's answer (`Access-Control-Max-Age`). */
        max_age: withDefault(integer(0, 86_400), 600),
      },
      ['origins'],
    ),
    // A client that is slower than these is cut off (408, or the socket closed), so slow or idle
    // connections cannot pile up.
    /** Seconds to receive a request's headers (from the connection or the previous answer); then 408 and close. */
    headers_timeout: withDefault(positive, 10),
    /** Seconds the request body may pause between two chunks; then the socket is closed. */
    body_timeout: withDefault(positive, 10),
    /** Seconds to receive a whole request, headers and body (at least `headers_timeout`); then 408 and close. */
    request_timeout: withDefault(positive, 30),
    /** Seconds an idle keep-alive connection stays open after an answer. */
    keep_alive_timeout: withDefault(positive, 5),
    /** Open client connections at most; more are closed on arrival. */
    max_connections: withDefault(integer(1), 4096),
  }),
  redis: section({
    url: text,
    /** A command that takes longer fails (fail-open/closed decides what happens next). */
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
  /**
   * Token and cost budgets: the manifests' `spec.constraints.cost` per agent, and these per
   * user, per client key and for the whole gateway. A request holds its worst case (input
   * estimate + max tokens) before the upstream call and settles its real usage after.
   */
  budgets: section({
    enabled: withDefault(flag, true),
    storage: withDefault({ type: 'string', enum: ['memory', 'redis'] }, 'memory'),
    /** When the store fails: admit unchecked (true) or refuse with 503 (false), as `rate_limit.fail_open`. */
    fail_open: withDefault(flag, true),
    /** Each user's own (the caller's user id, `anonymous` when none). */
    user: budgetLimits,
    /** Keyed by `security.clients[].id`: what all of a client key's requests spend together. */
    clients: withDefault({ type: 'object', additionalProperties: budgetLimits }, {}),
    /** Every request together. */
    global: budgetLimits,
    /** `<provider name>: {<model>: {input, output}}`, USD per million tokens: what a cost budget counts. A model without a price costs nothing (warned at startup when a cost budget applies to it). */
    prices: withDefault({ type: 'object', additionalProperties: { type: 'object', additionalProperties: modelPrice } }, {}),
  }),
  cache: section({
    enabled: withDefault(flag, true),
    storage: withDefault({ type: 'string', enum: ['memory', 'file', 'redis'] }, 'memory'),
    /** Seconds. */
    response_ttl: withDefault(integer(1), 3600),
    max_entries: withDefault(integer(1), 10_000),
    max_bytes: withDefault(byteSize, 67_108_864),
    /** Directory of the file store. */
    path: withDefault(filePath, 'var/cache'),
    /** Who shares cached answers; no default here: `client` when security.clients is configured, else `global` (normalize-values.ts). */
    scope: prefilled(cacheScope),
  }),
  /** Pass-through models, keyed by the id clients ask for (one namespace with the agents' names). */
  models: withDefault({ type: 'object', additionalProperties: passThroughModel }, {}),
  /** Per-agent overrides, keyed by agent name; `cache_ttl` in seconds, 0 disables caching for the agent; `cache_scope` replaces `cache.scope` for it. */
  agents: withDefault({
    type: 'object',
    additionalProperties: mapping({
      cache_ttl: integer(0),
      cache_scope: cacheScope,
      /** A run that executed server tools is cached only with this (its tools only read: a cached answer replays no side effect). */
      cache_tool_runs: flag,
    }),
  }, {}),
  /** Server-side tools (the agent loop): how manifest tools are run. */
  tools: section({
    /** An ES module whose exports are the `function` tools' handlers, by tool name (relative: to the config file). */
    handlers_module: filePath,
    /** Seconds one tool call may take when its manifest entry sets no `timeout_seconds`. */
    default_timeout: withDefault(positive, 30),
    /** Tool calls of one answer run at once, at most. */
    max_concurrency: withDefault(integer(1, 64), 4),
    /** A tool result longer than this is cut (and says so) before the model sees it. */
    max_result_bytes: withDefault(byteSize, 65_536),
    /** `type: http` / `api` tools: which hosts they reach, how much they read. */
    http: httpTools,
  }),
  security: section({
    audit_logging: withDefault(flag, true),
    audit: section({
      sink: withDefault({ type: 'string', enum: ['file', 'stdout', 'syslog'] }, 'file'),
      path: withDefault(filePath, 'var/audit/audit.jsonl'),
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
    /**
     * PII detection for every agent whose manifest declares no `spec.safety.pii_detection` (a
     * manifest's own setting wins, `enabled: false` included), and for pass-through models: the
     * client's messages, context and history are checked before the upstream call.
     */
    pii_detection: section({
      enabled: withDefault(flag, false),
      types: withDefault({ type: 'array', uniqueItems: true, items: { type: 'string', enum: [...PII_TYPES] } }, [...PII_TYPES]),
      /** `warn`: passed on, logged and counted; `redact`: each value replaced by `[REDACTED:TYPE]`; `block`: 422 naming the types found. */
      action: withDefault({ type: 'string', enum: ['warn', 'block', 'redact'] }, 'redact'),
      /** Also check the answer (streamed answers too) for agents whose manifest does not say. */
      apply_to_output: withDefault(flag, false),
    }),
    allow_plaintext_keys: withDefault(flag, false),
    /** Absent: on in `prod`, off in `dev`. */
    enforce_https: flag,
    clients: withDefault({ type: 'array', items: client }, []),
    admin_keys: withDefault({ type: 'array', items: secretText }, []),
    trust_user_header: withDefault(flag, false),
    /**
     * Throttling of failed authentication (client keys, admin keys, the metrics token): each
     * failure takes a token from its source address's bucket and from its credential kind's
     * bucket; an empty bucket answers 429 without checking the key. Stored as `rate_limit.storage`.
     */
    auth_throttle: section({
      enabled: withDefault(flag, true),
      /** Failures one address may make; then its requests with a key get 429, unchecked. */
      per_address: withDefault(bucket, { limit: 10, interval: '1 minute' }),
      /** Failures for one kind of key from every address together; then only addresses that used such a key successfully before are still checked. */
      per_credential: withDefault(bucket, { limit: 100, interval: '1 minute' }),
    }),
    secrets: section({
      vault_dir: withDefault(filePath, 'config/secrets'),
      decrypt_key_file: filePath,
    }),
  }),
  /** MCP servers whose tools manifests may use (`type: mcp`, `server: <name>`). */
  mcp: section({
    servers: withDefault({ type: 'object', additionalProperties: mcpServer }, {}),
  }),
  observability: section({
    log_level: withDefault({ type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }, 'info'),
    metrics: withDefault(flag, true),
    metrics_token: secretText,
    otlp_endpoint: text,
    service_name: withDefault(text, 'ossa-gateway'),
  }),
});
