import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/scratch-dir.js';
import { defaultConfig, loadConfig, loadConfigFile, normalizeConfig, parseConfigText, resolveConfigPath } from './load-config.js';
import { formatIssue, SourceError } from './source-issue.js';

function writeFixture(text: string, name = 'ossa.yaml', dir = tempDir()): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function sourceError(load: () => unknown): SourceError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }
  throw new Error('expected a SourceError, but loading succeeded');
}

/** The issues a user would read, with the `<file>:` prefix cut off. */
function issueLines(load: () => unknown, file: string): string[] {
  return sourceError(load).issues.map((issue) => {
    const line = formatIssue(issue);
    return line.startsWith(`${file}:`) ? line.slice(file.length + 1) : line;
  });
}

/** Loads a fixture file; returns its path with the result. */
function load(text: string, env: Record<string, string> = {}) {
  const file = writeFixture(text);
  return { file, ...loadConfigFile(file, env) };
}

/** The issues of loading `text` from a fixture file. */
function problems(text: string, env: Record<string, string> = {}): string[] {
  const file = writeFixture(text);
  return issueLines(() => loadConfigFile(file, env), file);
}

describe('defaults', () => {
  it('fills in every default for an empty ossa tree', () => {
    const { config, file } = load('ossa: {}\n');
    const dir = path.dirname(file);
    expect(config).toEqual({
      env: 'dev',
      default_provider: 'echo',
      default_temperature: 0.7,
      default_max_tokens: 1024,
      manifest_paths: [path.join(dir, 'agents')],
      manifest_env: ['OSSA_LLM_*', 'LLM_*'],
      auto_discover: true,
      server: { host: '127.0.0.1', port: 8080, workers: 1, body_limit: 1_048_576, shutdown_timeout: 10, shutdown_delay: 0, trust_proxy: false, headers_timeout: 10, body_timeout: 10, request_timeout: 30, keep_alive_timeout: 5, max_connections: 4096 },
      redis: { command_timeout_ms: 50, key_prefix: 'ossa:' },
      providers: {
        echo: {
          type: 'echo',
          timeout: 30,
          max_retries: 2,
          allow_insecure_http: false,
          max_connections: 64,
          max_response_bytes: 33_554_432,
          circuit_breaker: {
            enabled: true,
            failure_threshold: 5,
            reset_timeout: 30,
            backoff_multiplier: 2,
            initial_backoff_ms: 200,
            max_backoff_ms: 10_000,
            max_retry_after_ms: 10_000,
            fallback_providers: [],
          },
        },
      },
      rate_limit: { enabled: true, storage: 'memory', fail_open: true },
      budgets: { enabled: true, storage: 'memory', fail_open: true, clients: {}, prices: {} },
      cache: {
        enabled: true,
        storage: 'memory',
        response_ttl: 3600,
        max_entries: 10_000,
        max_bytes: 67_108_864,
        path: path.join(dir, 'var/cache'),
        scope: 'global',
      },
      models: {},
      agents: {},
      tools: {
        default_timeout: 30,
        max_concurrency: 4,
        max_result_bytes: 65_536,
        http: { allowed_hosts: [], max_response_bytes: 1_048_576, allow_insecure_http: false, max_redirects: 3 },
      },
      mcp: { servers: {} },
      security: {
        audit_logging: true,
        audit: {
          sink: 'file',
          path: path.join(dir, 'var/audit/audit.jsonl'),
          include_content: false,
          max_file_bytes: 104_857_600,
          max_files: 5,
          syslog: { transport: 'udp', host: '127.0.0.1', port: 514, path: '/dev/log', app_name: 'ossa-gateway' },
        },
        allow_plaintext_keys: false,
        clients: [],
        admin_keys: [],
        pii_detection: { enabled: false, types: ['email', 'phone', 'credit_card', 'ssn', 'iban', 'ip_address', 'api_key'], action: 'redact', apply_to_output: false },
        trust_user_header: false,
        auth_throttle: { enabled: true, per_address: { limit: 10, interval: '1 minute' }, per_credential: { limit: 100, interval: '1 minute' } },
        secrets: { vault_dir: path.join(dir, 'config/secrets') },
      },
      observability: { log_level: 'info', metrics: true, service_name: 'ossa-gateway' },
    });
  });

  it('treats "ossa:" with nothing under it, and sections written as ~, as all defaults', () => {
    const empty = parseConfigText('ossa:\n', '/srv/ossa.yaml', {}).config;
    const tildes = parseConfigText('ossa:\n  server: ~\n  cache: ~\n  providers:\n    echo: ~\n', '/srv/ossa.yaml', {}).config;
    expect(tildes).toEqual(empty);
  });

  it('gives defaultConfig() the same defaults, with agents/ under the given directory', () => {
    const { config, file } = load('ossa: {}\n');
    expect(defaultConfig(path.dirname(file))).toEqual(config);
    expect(defaultConfig().manifest_paths).toEqual([path.join(process.cwd(), 'agents')]);
  });

  it('fills provider defaults under a configured provider and keeps the implicit echo', () => {
    const { config } = load('ossa:\n  providers:\n    anthropic:\n      api_key: sk-test\n      circuit_breaker: {failure_threshold: 3}\n');
    expect(config.providers['anthropic']).toMatchObject({
      type: 'anthropic',
      timeout: 30,
      max_retries: 2,
      circuit_breaker: { enabled: true, failure_threshold: 3, reset_timeout: 30, fallback_providers: [] },
    });
    expect(config.providers['echo']?.type).toBe('echo');
  });
});

describe('the Symfony bundle config tree', () => {
  const symfony = `# config/packages/ossa.yaml, as the OSSA Symfony bundle documents it
ossa:
  default_provider: anthropic
  default_model: claude-sonnet-4-5
  default_temperature: 0.7
  manifest_paths:
    - config/agents
  auto_discover: true

  providers:
    anthropic:
      api_key: '\${ANTHROPIC_API_KEY}'
      base_url: https://api.anthropic.com
      timeout: 60
      max_retries: 3
      circuit_breaker:
        enabled: true
        failure_threshold: 5
        reset_timeout: 60
        backoff_multiplier: 2.0
        initial_backoff_ms: 100
        fallback_providers: [openai]
    openai:
      api_key: '\${OPENAI_API_KEY}'
      base_url: https://api.openai.com/v1
      timeout: 30
      max_retries: 2
      circuit_breaker:
        enabled: true
        failure_threshold: 3
        reset_timeout: 30
        fallback_providers: [anthropic]

  rate_limit:
    enabled: true
    storage: redis
    user:
      limit: 100
      interval: '1 hour'
    global:
      limit: 10000
      interval: '1 hour'

  cache:
    enabled: true
    storage: redis
    response_ttl: 3600

  security:
    audit_logging: true
    allow_plaintext_keys: false
    enforce_https: true

  observability:
    log_level: info
    metrics: true

  # Our additions
  env: prod
  default_max_tokens: 2048
  server: {host: 0.0.0.0, port: 9000, body_limit: 2mb, shutdown_timeout: 15, trust_proxy: [10.0.0.0/8, loopback]}
  redis: {url: 'redis://redis:6379/0', command_timeout_ms: 100, key_prefix: 'gw:'}
  agents:
    support-bot: {cache_ttl: 0}
`;

  it('accepts it unchanged and keeps every key', () => {
    const { config, file, warnings } = load(symfony, { ANTHROPIC_API_KEY: 'sk-live' });
    expect(warnings).toEqual([]);
    expect(config.default_provider).toBe('anthropic');
    expect(config.default_model).toBe('claude-sonnet-4-5');
    expect(config.manifest_paths).toEqual([path.join(path.dirname(file), 'config/agents')]);
    expect(config.providers['anthropic']).toEqual({
      type: 'anthropic',
      api_key: '${ANTHROPIC_API_KEY}',
      base_url: 'https://api.anthropic.com',
      timeout: 60,
      max_retries: 3,
      allow_insecure_http: false,
      max_connections: 64,
      max_response_bytes: 33_554_432,
      circuit_breaker: {
        enabled: true,
        failure_threshold: 5,
        reset_timeout: 60,
        backoff_multiplier: 2,
        initial_backoff_ms: 100,
        max_backoff_ms: 10_000,
        max_retry_after_ms: 10_000,
        fallback_providers: ['openai'],
      },
    });
    expect(config.providers['openai']?.type).toBe('openai');
    expect(Object.keys(config.providers).sort()).toEqual(['anthropic', 'echo', 'openai']);
    expect(config.rate_limit).toEqual({
      enabled: true,
      storage: 'redis',
      fail_open: true,
      user: { limit: 100, interval: '1 hour' },
      global: { limit: 10_000, interval: '1 hour' },
    });
    expect(config.cache).toMatchObject({ enabled: true, storage: 'redis', response_ttl: 3600 });
    expect(config.security).toMatchObject({ audit_logging: true, allow_plaintext_keys: false, enforce_https: true });
    expect(config.observability).toEqual({ log_level: 'info', metrics: true, service_name: 'ossa-gateway' });
    expect(config.env).toBe('prod');
    expect(config.default_max_tokens).toBe(2048);
    expect(config.server).toEqual({ host: '0.0.0.0', port: 9000, workers: 1, body_limit: 2_097_152, shutdown_timeout: 15, shutdown_delay: 0, trust_proxy: ['10.0.0.0/8', 'loopback'], headers_timeout: 10, body_timeout: 10, request_timeout: 30, keep_alive_timeout: 5, max_connections: 4096 });
    expect(config.redis).toEqual({ url: 'redis://redis:6379/0', command_timeout_ms: 100, key_prefix: 'gw:' });
    expect(config.agents).toEqual({ 'support-bot': { cache_ttl: 0 } });
  });

  it('accepts the whole documented tree, security and observability included', () => {
    const { config, file } = load(`ossa:
  security:
    audit_logging: true
    audit:
      sink: syslog
      path: logs/audit.jsonl
      include_content: true
      max_file_bytes: 10mb
      max_files: 3
      syslog: {transport: unix, host: logs.internal, port: 1514, path: /var/run/syslog, app_name: gw}
    allow_plaintext_keys: true
    enforce_https: false
    clients:
      - id: web
        key: '\${WEB_KEY}'
        rate_limit: {user: {limit: 10, interval: 1m}}
        agents: [support-*, faq]
      - id: batch
        key_sha256: ${'AB'.repeat(32)}
    admin_keys: ['\${ADMIN_KEY}', 'file:/run/secrets/admin']
    trust_user_header: true
    secrets: {vault_dir: secrets, decrypt_key_file: keys/decrypt.key}
  observability:
    log_level: debug
    metrics: false
    metrics_token: vault:METRICS_TOKEN
    otlp_endpoint: http://otel:4318
    service_name: gw
`);
    const dir = path.dirname(file);
    expect(config.security).toEqual({
      audit_logging: true,
      audit: {
        sink: 'syslog',
        path: path.join(dir, 'logs/audit.jsonl'),
        include_content: true,
        max_file_bytes: 10_485_760,
        max_files: 3,
        syslog: { transport: 'unix', host: 'logs.internal', port: 1514, path: '/var/run/syslog', app_name: 'gw' },
      },
      allow_plaintext_keys: true,
      enforce_https: false,
      clients: [
        { id: 'web', key: '${WEB_KEY}', rate_limit: { user: { limit: 10, interval: '1m' } }, agents: ['support-*', 'faq'], cache_control: false },
        { id: 'batch', key_sha256: 'ab'.repeat(32), cache_control: false },
      ],
      admin_keys: ['${ADMIN_KEY}', 'file:/run/secrets/admin'],
      pii_detection: { enabled: false, types: ['email', 'phone', 'credit_card', 'ssn', 'iban', 'ip_address', 'api_key'], action: 'redact', apply_to_output: false },
      trust_user_header: true,
      auth_throttle: { enabled: true, per_address: { limit: 10, interval: '1 minute' }, per_credential: { limit: 100, interval: '1 minute' } },
      secrets: { vault_dir: path.join(dir, 'secrets'), decrypt_key_file: path.join(dir, 'keys/decrypt.key') },
    });
    expect(config.observability).toEqual({
      log_level: 'debug',
      metrics: false,
      metrics_token: 'vault:METRICS_TOKEN',
      otlp_endpoint: 'http://otel:4318',
      service_name: 'gw',
    });
  });
});

describe('${VAR} interpolation', () => {
  const text = `ossa:
  server:
    host: \${HOST:-127.0.0.1}
    port: \${PORT:-8080}
    trust_proxy: \${TRUST_PROXY:-false}
  default_model: \${MODEL}
  providers:
    local:
      type: openai-compatible
      base_url: https://\${LLM_HOST:-llm.internal}:8443/v1
  observability:
    service_name: "$\${literal}-gateway"
`;

  it('uses the defaults of unset variables, typed when the value is one whole placeholder', () => {
    const { config } = load(text, { MODEL: 'gpt-4o' });
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.server.port).toBe(8080);
    expect(config.server.trust_proxy).toBe(false);
    expect(config.default_model).toBe('gpt-4o');
    expect(config.providers['local']?.base_url).toBe('https://llm.internal:8443/v1');
  });

  it('uses the environment when variables are set', () => {
    const { config } = load(text, { MODEL: 'm', HOST: '0.0.0.0', PORT: '9090', TRUST_PROXY: 'true', LLM_HOST: 'gpu-1' });
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 9090, trust_proxy: true });
    expect(config.providers['local']?.base_url).toBe('https://gpu-1:8443/v1');
  });

  it('uses the default when a variable is set but empty', () => {
    expect(load(text, { MODEL: 'm', PORT: '' }).config.server.port).toBe(8080);
  });

  it('writes $${ as a literal ${', () => {
    expect(load(text, { MODEL: 'm' }).config.observability.service_name).toBe('${literal}-gateway');
  });

  it('reports an unset variable without default at its position, naming the variable', () => {
    const file = writeFixture(text);
    expect(issueLines(() => loadConfigFile(file, {}), file)).toEqual([
      '6:18: default_model: environment variable MODEL is not set and the placeholder has no default (write ${MODEL:-default})',
    ]);
  });

  it('reports an unset variable once, not again as a wrong type', () => {
    expect(problems('ossa:\n  server:\n    port: ${PORT}\n')).toEqual([
      '3:11: server.port: environment variable PORT is not set and the placeholder has no default (write ${PORT:-default})',
    ]);
    const error = sourceError(() => normalizeConfig({ server: { port: '${PORT}' } }, { env: {} }));
    expect(error.issues.map((issue) => issue.path)).toEqual(['server.port']);
  });

  it('validates the value a placeholder produced', () => {
    expect(problems(text, { MODEL: 'm', PORT: 'http' })).toEqual([
      '4:11: server.port: expected an integer between 0 and 65535, got "http"',
    ]);
  });

  it('leaves secret-valued keys as written, set or not', () => {
    const { config } = load(
      `ossa:
  providers:
    anthropic:
      api_key: \${ANTHROPIC_API_KEY}
      base_url: \${ANTHROPIC_URL:-https://api.anthropic.com}
    openai:
      api_key: file:\${HOME}/keys/openai
  security:
    clients:
      - id: web
        key: \${WEB_CLIENT_KEY}
    admin_keys:
      - \${ADMIN_KEY}
      - "\${OTHER_ADMIN_KEY:-x}"
  observability:
    metrics_token: \${METRICS_TOKEN}
`,
      { ANTHROPIC_API_KEY: 'sk-ant-secret', HOME: '/home/me', ADMIN_KEY: 'admin-secret' },
    );
    expect(config.providers['anthropic']?.api_key).toBe('${ANTHROPIC_API_KEY}');
    expect(config.providers['anthropic']?.base_url).toBe('https://api.anthropic.com');
    expect(config.providers['openai']?.api_key).toBe('file:${HOME}/keys/openai');
    expect(config.security.clients[0]?.key).toBe('${WEB_CLIENT_KEY}');
    expect(config.security.admin_keys).toEqual(['${ADMIN_KEY}', '${OTHER_ADMIN_KEY:-x}']);
    expect(config.observability.metrics_token).toBe('${METRICS_TOKEN}');
  });
});

describe('durations and sizes', () => {
  it('keeps rate-limit intervals as written and turns sizes into bytes', () => {
    const { config } = load(`ossa:
  rate_limit:
    user: {limit: 60, interval: 15 minutes}
    global: {limit: 1000, interval: 30}
  server: {body_limit: 512 KiB}
  cache: {max_bytes: 64MB}
  security: {audit: {max_file_bytes: 1048576}}
`);
    expect(config.rate_limit.user).toEqual({ limit: 60, interval: '15 minutes' });
    expect(config.rate_limit.global).toEqual({ limit: 1000, interval: 30 });
    expect(config.server.body_limit).toBe(524_288);
    expect(config.cache.max_bytes).toBe(67_108_864);
    expect(config.security.audit.max_file_bytes).toBe(1_048_576);
  });

  it('reports an invalid duration or size at its value', () => {
    expect(
      problems(`ossa:
  rate_limit:
    user: {limit: 60, interval: "a while"}
    global: {limit: 1000, interval: 0}
  server:
    body_limit: huge
  cache: {max_bytes: 0mb}
`),
    ).toEqual([
      '3:33: rate_limit.user.interval: expected a duration such as "1 hour", "30s" or a number of seconds, got "a while"',
      '4:37: rate_limit.global.interval: expected a duration such as "1 hour", "30s" or a number of seconds, got 0',
      '6:17: server.body_limit: expected a size such as "1mb", "512 KiB" or a number of bytes, got "huge"',
      '7:22: cache.max_bytes: expected a size such as "1mb", "512 KiB" or a number of bytes, got "0mb"',
    ]);
  });
});

describe('relative paths', () => {
  it('resolves against the config file directory, leaving absolute paths alone', () => {
    const dir = tempDir();
    const file = writeFixture(
      `ossa:
  manifest_paths: [agents, ../shared/agents, /opt/agents]
  cache: {path: var/cache}
  security:
    audit: {path: ./audit/audit.jsonl}
    secrets: {vault_dir: config/secrets, decrypt_key_file: keys/prod.decrypt.key}
`,
      'deploy/ossa.yaml',
      dir,
    );
    const { config, baseDir } = loadConfigFile(file, {});
    const deploy = path.join(dir, 'deploy');
    expect(baseDir).toBe(deploy);
    expect(config.manifest_paths).toEqual([path.join(deploy, 'agents'), path.join(dir, 'shared/agents'), '/opt/agents']);
    expect(config.cache.path).toBe(path.join(deploy, 'var/cache'));
    expect(config.security.audit.path).toBe(path.join(deploy, 'audit/audit.jsonl'));
    expect(config.security.secrets).toEqual({
      vault_dir: path.join(deploy, 'config/secrets'),
      decrypt_key_file: path.join(deploy, 'keys/prod.decrypt.key'),
    });
  });

  it('resolves a relative file name against the working directory first', () => {
    const file = writeFixture('ossa: {}\n');
    const relative = path.relative(process.cwd(), file);
    const loaded = loadConfigFile(relative, {});
    expect(loaded.file).toBe(file);
    expect(loaded.baseDir).toBe(path.dirname(file));
  });
});

describe('errors', () => {
  it('points at an unknown key, with a suggestion', () => {
    expect(problems('ossa:\n  providers:\n    anthropic:\n      timout: 30\n')).toEqual([
      '4:7: providers.anthropic.timout: unknown key "timout" (did you mean "timeout"?)',
    ]);
  });

  it('lists the known keys when no key is close', () => {
    expect(problems('ossa:\n  server:\n    colour: blue\n')).toEqual([
      '3:5: server.colour: unknown key "colour" (known keys: host, port, workers, body_limit, shutdown_timeout, shutdown_delay, trust_proxy, cors, headers_timeout, body_timeout, request_timeout, keep_alive_timeout, max_connections)',
    ]);
  });

  it('reads server.cors with its max_age default, and points at an origin that is not one', () => {
    expect(load('ossa:\n  server:\n    cors:\n      origins: ["https://app.example.com", "*"]\n').config.server.cors).toEqual({ origins: ['https://app.example.com', '*'], max_age: 600 });
    expect(load('ossa:\n  server: {}\n').config.server.cors).toBeUndefined();
    expect(problems('ossa:\n  server:\n    cors:\n      origins: ["https://app.example.com/path"]\n')).toEqual([
      '4:17: server.cors.origins[0]: expected an origin such as "https://app.example.com", "https://*.example.com" or "*", got "https://app.example.com/path"',
    ]);
  });

  it('suggests the snake_case spelling of a camelCase key', () => {
    expect(problems('ossa:\n  defaultProvider: echo\n')).toEqual([
      '2:3: defaultProvider: unknown key "defaultProvider" (did you mean "default_provider"?)',
    ]);
  });

  it('says what was expected and what was found', () => {
    expect(
      problems(`ossa:
  default_temperature: hot
  providers:
    local: {type: ollama}
  observability: {log_level: verbose}
  auto_discover: "yes"
  server: {port: 70000}
  manifest_paths: agents
`),
    ).toEqual([
      '2:24: default_temperature: expected a number between 0 and 2, got "hot"',
      '4:19: providers.local.type: expected one of anthropic, openai, openai-compatible, echo, got "ollama"',
      '5:30: observability.log_level: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
      '6:18: auto_discover: expected true or false, got "yes" (write true or false, without quotes)',
      '7:18: server.port: expected an integer between 0 and 65535, got 70000',
      '8:19: manifest_paths: expected a list, got "agents" (write a list: ["agents"])',
    ]);
  });

  it('suggests the enum value a typo meant', () => {
    expect(problems('ossa:\n  providers:\n    claude: {type: antropic}\n')).toEqual([
      '3:20: providers.claude.type: expected one of anthropic, openai, openai-compatible, echo, got "antropic" (did you mean "anthropic"?)',
    ]);
  });

  it('hints at quotes around a number', () => {
    expect(problems('ossa:\n  server:\n    port: "8080"\n')).toEqual([
      '3:11: server.port: expected an integer between 0 and 65535, got "8080" (write 8080 without quotes)',
    ]);
  });

  it('points a missing required key at its parent', () => {
    expect(problems('ossa:\n  rate_limit:\n    user:\n      interval: 1h\n')).toEqual([
      '3:5: rate_limit.user.limit: missing required key "limit"',
    ]);
  });

  it('reports a mapping written where a value belongs, and a value where a mapping belongs', () => {
    expect(problems('ossa:\n  server: 8080\n  default_model: {name: x}\n')).toEqual([
      '2:11: server: expected a mapping, got 8080',
      '3:18: default_model: expected a non-empty string, got a mapping',
    ]);
  });

  it('reports duplicate list entries', () => {
    expect(
      problems('ossa:\n  providers:\n    anthropic:\n      circuit_breaker: {fallback_providers: [echo, echo]}\n'),
    ).toEqual([
      '4:52: providers.anthropic.circuit_breaker.fallback_providers[1]: duplicate entry "echo" (already at [0])',
    ]);
  });

  it('reports every problem of the file at once, in file order', () => {
    const file = writeFixture(`ossa:
  default_provider: anthopic
  default_temperature: 3
  providers:
    anthropic:
      timout: 30
      max_retries: -1
  cache:
    storage: disk
`);
    const error = sourceError(() => loadConfigFile(file, {}));
    expect(error.summary).toBe(`invalid configuration in ${file} (5 problems)`);
    expect(error.issues.map((issue) => formatIssue(issue))).toEqual([
      `${file}:2:21: default_provider: expected the name of a configured provider, got "anthopic" (did you mean "anthropic"?)`,
      `${file}:3:24: default_temperature: expected a number between 0 and 2, got 3`,
      `${file}:6:7: providers.anthropic.timout: unknown key "timout" (did you mean "timeout"?)`,
      `${file}:7:20: providers.anthropic.max_retries: expected an integer of 0 or more, got -1`,
      `${file}:9:14: cache.storage: expected one of memory, file, redis, got "disk"`,
    ]);
    expect(error.message).toBe(`${error.summary}\n${error.issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
  });

  it('rejects a file without the root key "ossa"', () => {
    expect(problems('providers:\n  anthropic: {}\n')).toEqual([
      '1:1: missing the root key "ossa" (write "ossa:" on the first line and indent the settings below it)',
    ]);
    expect(problems('osa:\n  env: dev\n')).toEqual(['1:1: osa: unknown root key "osa" (did you mean "ossa"?)']);
    expect(problems('ossa: {}\nparameters: {}\n')).toEqual(['2:1: parameters: unknown root key "parameters"']);
    expect(problems('- ossa\n')).toEqual(['1:1: expected a mapping with the root key "ossa", got a list']);
    expect(problems('ossa: [1]\n')).toEqual(['1:7: expected a mapping of settings, got a list']);
  });

  it('rejects an empty file', () => {
    expect(problems('')).toEqual(['1:1: the file is empty: expected the root key "ossa:"']);
    expect(problems('# only a comment\n')).toEqual(['1:1: the file is empty: expected the root key "ossa:"']);
  });

  it('reports YAML syntax errors and duplicate keys at their position', () => {
    expect(problems('ossa:\n  env: dev\n  env: prod\n')).toEqual(['3:3: Map keys must be unique']);
    expect(problems('ossa:\n  server:\n    port: 80\n   host: x\n')).toEqual(['4:1: All mapping items must start at the same column']);
    const error = sourceError(() => loadConfigFile(writeFixture('ossa: {\n'), {}));
    expect(error.summary).toMatch(/is not valid YAML/);
  });

  it('rejects several YAML documents in one file', () => {
    expect(problems('ossa: {}\n---\nossa: {}\n')).toEqual(['3:1: expected one YAML document, found 2 (remove the "---" separator)']);
  });

  it('reports a missing file or a directory without a stack trace', () => {
    const dir = tempDir();
    const missing = path.join(dir, 'nope.yaml');
    const gone = sourceError(() => loadConfigFile(missing, {}));
    expect(gone.message).toBe(`cannot read the configuration file ${missing}\n  ${missing}: the file does not exist`);
    const directory = sourceError(() => loadConfigFile(dir, {}));
    expect(directory.message).toBe(`cannot read the configuration file ${dir}\n  ${dir}: this is a directory; expected a YAML file such as ossa.yaml`);
  });

  it("names Symfony's %env()% and the placeholder to write instead", () => {
    expect(problems("ossa:\n  providers:\n    anthropic:\n      api_key: '%env(ANTHROPIC_API_KEY)%'\n")).toEqual([
      "4:16: providers.anthropic.api_key: Symfony's %env(ANTHROPIC_API_KEY)% is not read here (write ${ANTHROPIC_API_KEY} instead)",
    ]);
  });
});

describe('security.pii_detection', () => {
  it('reads the gateway-wide PII policy and refuses a type or an action it does not know, at file:line:column', () => {
    const { config } = load('ossa:\n  security:\n    pii_detection: { enabled: true, types: [email, ssn], action: block, apply_to_output: true }\n');
    expect(config.security.pii_detection).toEqual({ enabled: true, types: ['email', 'ssn'], action: 'block', apply_to_output: true });
    const lines = problems('ossa:\n  security:\n    pii_detection:\n      types: [email, password]\n      action: mask\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^4:\d+: security\.pii_detection\.types\[1\]: expected one of email, phone, credit_card, ssn, iban, ip_address, api_key, got "password"/);
    expect(lines[1]).toMatch(/^5:\d+: security\.pii_detection\.action: expected one of warn, block, redact, got "mask"/);
  });
});

describe('warnings', () => {
  it('warns about prod without enforce_https or with plaintext keys', () => {
    const { warnings, file } = load('ossa:\n  env: prod\n  security:\n    enforce_https: false\n    allow_plaintext_keys: true\n');
    expect(warnings.map((issue) => formatIssue(issue))).toEqual([
      `${file}:4:20: security.enforce_https: enforce_https is off in prod`,
      `${file}:5:27: security.allow_plaintext_keys: API keys written in plain text are accepted in prod`,
    ]);
  });

  it('has no warnings for the defaults or for the same settings in dev', () => {
    expect(load('ossa: {}\n').warnings).toEqual([]);
    expect(load('ossa:\n  security: {enforce_https: false, allow_plaintext_keys: true}\n').warnings).toEqual([]);
  });
});

describe('the example ossa.yaml', () => {
  const example = fileURLToPath(new URL('../../ossa.yaml', import.meta.url));

  it.skipIf(!fs.existsSync(example))('loads without errors or warnings, with or without API keys', () => {
    const offline = loadConfigFile(example, {});
    expect(offline.warnings).toEqual([]);
    expect(offline.config.providers['anthropic']?.api_key).toBe('${ANTHROPIC_API_KEY}');
    expect(offline.config.server.port).toBe(8080);
    expect(loadConfigFile(example, { PORT: '0', OSSA_ENV: 'prod', LOG_LEVEL: 'warn' }).config).toMatchObject({
      env: 'prod',
      server: { port: 0 },
      observability: { log_level: 'warn' },
    });
  });

  it.skipIf(!fs.existsSync(example))('normalizes to itself: a loaded config can be handed to normalizeConfig again', () => {
    const { config, baseDir } = loadConfigFile(example, {});
    expect(normalizeConfig(config, { baseDir: '/elsewhere', env: {} }).config).toEqual(config);
    expect(baseDir).toBe(path.dirname(example));
  });
});

describe('parseConfigText', () => {
  it('names the given file in messages and resolves paths against its directory', () => {
    const { config, file, baseDir } = parseConfigText('ossa:\n  cache: {path: c}\n', '/srv/gw/ossa.yaml', {});
    expect(file).toBe('/srv/gw/ossa.yaml');
    expect(baseDir).toBe('/srv/gw');
    expect(config.cache.path).toBe('/srv/gw/c');
    expect(issueLines(() => parseConfigText('ossa:\n  env: staging\n', 'x.yaml', {}), 'x.yaml')).toEqual([
      '2:8: env: expected one of dev, prod, got "staging"',
    ]);
  });
});

describe('normalizeConfig', () => {
  const tree = { default_provider: 'anthropic', providers: { anthropic: { api_key: '${KEY}', timeout: '${TIMEOUT:-45}' } }, cache: { path: 'c' } };

  it('accepts the tree with or without the ossa root key', () => {
    const bare = normalizeConfig(tree, { baseDir: '/app', env: {} });
    const wrapped = normalizeConfig({ ossa: tree }, { baseDir: '/app', env: {} });
    expect(wrapped).toEqual(bare);
    expect(bare.baseDir).toBe('/app');
    expect(bare.file).toBeUndefined();
    expect(bare.config.providers['anthropic']).toMatchObject({ type: 'anthropic', api_key: '${KEY}', timeout: 45 });
    expect(bare.config.cache.path).toBe('/app/c');
    expect(bare.config.manifest_paths).toEqual(['/app/agents']);
  });

  it('does not change its input', () => {
    const input = structuredClone(tree);
    normalizeConfig(input, { env: {} });
    expect(input).toEqual(tree);
  });

  it('reports problems by key path without line numbers', () => {
    const error = sourceError(() =>
      normalizeConfig({ ossa: { server: { port: 'x', hots: 'a' }, default_model: '${MODEL}' }, extra: true }, { source: 'createGateway()', env: {} }),
    );
    expect(error.summary).toBe('invalid configuration in createGateway() (4 problems)');
    expect(error.issues.map((issue) => formatIssue(issue))).toEqual([
      'createGateway(): extra: unknown root key "extra"',
      'createGateway(): default_model: environment variable MODEL is not set and the placeholder has no default (write ${MODEL:-default})',
      'createGateway(): server.hots: unknown key "hots" (did you mean "host"?)',
      'createGateway(): server.port: expected an integer between 0 and 65535, got "x"',
    ]);
  });

  it('rejects input that is not a mapping', () => {
    expect(sourceError(() => normalizeConfig(['x'], { env: {} })).issues.map((issue) => issue.message)).toEqual([
      'expected a mapping of settings, got a list',
    ]);
  });
});

describe('resolveConfigPath', () => {
  it('prefers --config, then OSSA_CONFIG, then ./ossa.yaml, then nothing', () => {
    const cwd = tempDir();
    expect(resolveConfigPath({ env: {}, cwd })).toBeUndefined();
    writeFixture('ossa: {}\n', 'ossa.yaml', cwd);
    expect(resolveConfigPath({ env: {}, cwd })).toBe(path.join(cwd, 'ossa.yaml'));
    expect(resolveConfigPath({ env: { OSSA_CONFIG: 'conf/env.yaml' }, cwd })).toBe(path.join(cwd, 'conf/env.yaml'));
    expect(resolveConfigPath({ flag: '/etc/ossa/flag.yaml', env: { OSSA_CONFIG: 'conf/env.yaml' }, cwd })).toBe('/etc/ossa/flag.yaml');
  });

  it('ignores an empty OSSA_CONFIG', () => {
    expect(resolveConfigPath({ env: { OSSA_CONFIG: '' }, cwd: tempDir() })).toBeUndefined();
  });

  it('returns a given path even when it does not exist, so loading reports it', () => {
    const cwd = tempDir();
    expect(resolveConfigPath({ flag: 'missing.yaml', env: {}, cwd })).toBe(path.join(cwd, 'missing.yaml'));
  });
});

describe('loadConfig', () => {
  it('loads the resolved file, or falls back to the defaults', () => {
    const cwd = tempDir();
    expect(loadConfig({ env: {}, cwd })).toEqual({ config: defaultConfig(cwd), baseDir: cwd, warnings: [] });
    writeFixture('ossa:\n  server: {port: 0}\n', 'ossa.yaml', cwd);
    const loaded = loadConfig({ env: {}, cwd });
    expect(loaded.file).toBe(path.join(cwd, 'ossa.yaml'));
    expect(loaded.config.server.port).toBe(0);
  });
});

// Found by test/chaos/fuzz-config-manifests.test.ts.
describe('hostile config files', () => {
  it('refuses an alias that contains itself at a position, instead of overflowing the stack', () => {
    expect(issueLines(() => parseConfigText('ossa:\n  default_provider: echo\n  x: &a [*a]\n', 'ossa.yaml', {}), 'ossa.yaml')).toEqual([
      '1:1: cannot expand the document: an alias refers to a node that contains it (&a [*a])',
    ]);
  });

  it('never quotes a key in a message: a key pasted into key_sha256, a list or a key where the other belongs', () => {
    const key = 'ossa-client-PASTEDKEY-1234567890';
    const error = sourceError(() =>
      parseConfigText(`ossa:\n  security:\n    clients: [{id: web, key_sha256: ${key}}, {id: b, key: [${key}]}]\n    admin_keys: ${key}\n`, 'ossa.yaml', {}),
    );
    expect(error.message).not.toContain('PASTEDKEY');
    expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'security.clients[0].key_sha256: expected 64 hexadecimal characters (a SHA-256 digest), got a string of 32 characters (not shown: it may be a key)',
      'security.clients[1].key: expected a non-empty string, got a list',
      'security.admin_keys: expected a list, got a string of 32 characters (not shown: it may be a key)',
    ]);
  });
});
