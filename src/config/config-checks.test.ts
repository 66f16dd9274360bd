import { describe, expect, it } from 'vitest';
import { parseConfigText } from './load-config.js';
import { formatIssue, SourceError } from './source-issue.js';

const FILE = '/srv/gw/ossa.yaml';

/** The issues a user would read for `text`, without the file name. */
function problems(text: string): string[] {
  try {
    parseConfigText(text, FILE, {});
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    return error.issues.map((issue) => formatIssue(issue).slice(FILE.length + 1));
  }
  throw new Error('expected a SourceError, but loading succeeded');
}

function warnings(text: string): string[] {
  return parseConfigText(text, FILE, {}).warnings.map((issue) => formatIssue(issue).slice(FILE.length + 1));
}

function config(text: string) {
  return parseConfigText(text, FILE, {}).config;
}

describe('provider names', () => {
  it('requires default_provider to name a configured provider', () => {
    expect(problems('ossa:\n  default_provider: anthopic\n  providers:\n    anthropic: {api_key: k}\n')).toEqual([
      '2:21: default_provider: expected the name of a configured provider, got "anthopic" (did you mean "anthropic"?)',
    ]);
    expect(problems('ossa:\n  default_provider: mistral\n')).toEqual([
      '2:21: default_provider: expected the name of a configured provider, got "mistral" (configured providers: echo)',
    ]);
  });

  it('requires every fallback to name a configured provider other than itself', () => {
    expect(
      problems(`ossa:
  providers:
    anthropic:
      circuit_breaker:
        fallback_providers: [opena, anthropic, echo]
    openai: {}
`),
    ).toEqual([
      '5:30: providers.anthropic.circuit_breaker.fallback_providers[0]: expected the name of a configured provider, got "opena" (did you mean "openai"?)',
      '5:37: providers.anthropic.circuit_breaker.fallback_providers[1]: a provider cannot fall back to itself ("anthropic")',
    ]);
  });

  it('always has the echo provider, unless the file configures its own', () => {
    const implicit = config('ossa:\n  default_provider: echo\n  providers:\n    openai: {circuit_breaker: {fallback_providers: [echo]}}\n');
    expect(implicit.providers['echo']).toMatchObject({ type: 'echo', timeout: 30, max_retries: 2 });
    const own = config('ossa:\n  providers:\n    echo: {type: openai-compatible, base_url: "https://echo.internal/v1", timeout: 5}\n');
    expect(own.providers['echo']).toMatchObject({ type: 'openai-compatible', timeout: 5 });
  });
});

describe('provider type', () => {
  it('takes the type from a provider named after one', () => {
    const loaded = config(`ossa:
  providers:
    anthropic: {}
    openai: ~
    openai-compatible: {base_url: "https://llm.internal/v1"}
`);
    expect(loaded.providers['anthropic']?.type).toBe('anthropic');
    expect(loaded.providers['openai']?.type).toBe('openai');
    expect(loaded.providers['openai-compatible']?.type).toBe('openai-compatible');
  });

  it('requires type for any other name, pointing at the provider', () => {
    expect(problems('ossa:\n  providers:\n    claude:\n      api_key: k\n')).toEqual([
      '3:5: providers.claude.type: type is required: one of anthropic, openai, openai-compatible, echo (only a provider named anthropic, openai, openai-compatible, echo may leave out its type)',
    ]);
  });

  it('requires base_url for an openai-compatible provider', () => {
    expect(problems('ossa:\n  providers:\n    vllm: {type: openai-compatible}\n')).toEqual([
      '3:5: providers.vllm.base_url: base_url is required for type openai-compatible (the URL of the server, e.g. http://127.0.0.1:11434/v1)',
    ]);
  });
});

describe('base_url', () => {
  it('must be an http(s) URL', () => {
    expect(
      problems(`ossa:
  providers:
    a: {type: openai-compatible, base_url: "ftp://files.internal"}
    b: {type: openai-compatible, base_url: "llm.internal:8000"}
    c: {type: openai-compatible, base_url: "not a url"}
`),
    ).toEqual([
      '3:44: providers.a.base_url: expected an http:// or https:// URL, got "ftp://files.internal"',
      '4:44: providers.b.base_url: expected an http:// or https:// URL, got "llm.internal:8000"',
      '5:44: providers.c.base_url: expected an http:// or https:// URL, got "not a url"',
    ]);
  });

  it('leaves plain http to the SecureProviderFactory (it knows enforce_https and loopback)', () => {
    const loaded = config('ossa:\n  providers:\n    ollama: {type: openai-compatible, base_url: "http://127.0.0.1:11434/v1"}\n');
    expect(loaded.providers['ollama']?.base_url).toBe('http://127.0.0.1:11434/v1');
  });

  it('warns when plain http is allowed in prod', () => {
    expect(
      warnings('ossa:\n  env: prod\n  providers:\n    ollama: {type: openai-compatible, base_url: "http://gpu:11434/v1", allow_insecure_http: true}\n'),
    ).toEqual(['4:93: providers.ollama.allow_insecure_http: plain http to a provider is allowed in prod']);
  });

  it('warns when plain http to tool endpoints is allowed in prod', () => {
    expect(warnings('ossa:\n  env: prod\n  tools:\n    http: {allowed_hosts: [tools.internal], allow_insecure_http: true}\n')).toEqual([
      '4:66: tools.http.allow_insecure_http: plain http to tool endpoints is allowed in prod',
    ]);
  });
});

describe('circuit breaker', () => {
  it('requires max_backoff_ms to be at least initial_backoff_ms', () => {
    expect(problems('ossa:\n  providers:\n    openai:\n      circuit_breaker: {initial_backoff_ms: 500, max_backoff_ms: 100}\n')).toEqual([
      '4:66: providers.openai.circuit_breaker.max_backoff_ms: expected at least initial_backoff_ms (500), got 100',
    ]);
  });
});

describe('redis', () => {
  it('is required by redis storage for rate limits and the cache', () => {
    expect(problems('ossa:\n  rate_limit: {storage: redis}\n  cache: {storage: redis}\n')).toEqual([
      '2:25: rate_limit.storage: storage "redis" needs redis.url (set redis.url, e.g. redis://127.0.0.1:6379)',
      '3:20: cache.storage: storage "redis" needs redis.url (set redis.url, e.g. redis://127.0.0.1:6379)',
    ]);
    expect(config('ossa:\n  redis: {url: "rediss://cache:6380"}\n  rate_limit: {storage: redis}\n').redis.url).toBe('rediss://cache:6380');
  });

  it('refuses a key_prefix with a brace, which would break the Redis Cluster hash tags', () => {
    expect(problems('ossa:\n  redis: {url: "redis://cache:6379", key_prefix: "{ossa}:"}\n')).toEqual([
      '2:50: redis.key_prefix: must not contain "{" or "}", got "{ossa}:": Redis Cluster reads the first {...} of a key as its hash tag, and the gateway\'s keys carry their own (e.g. "ossa:")',
    ]);
    expect(problems('ossa:\n  redis: {key_prefix: "team}a:"}\n')).toHaveLength(1);
    expect(config('ossa:\n  redis: {key_prefix: "team-a:"}\n').redis.key_prefix).toBe('team-a:');
  });

  it('needs a redis:// or rediss:// URL', () => {
    expect(problems('ossa:\n  redis: {url: "http://cache:6379"}\n')).toEqual([
      '2:16: redis.url: expected a redis:// or rediss:// URL, got "http://cache:6379"',
    ]);
  });
});

describe('security.clients', () => {
  const digest = 'a'.repeat(64);

  it('needs unique ids and exactly one of key and key_sha256', () => {
    expect(
      problems(`ossa:
  security:
    clients:
      - id: web
        key: k1
      - id: web
        key_sha256: ${digest}
      - id: batch
      - id: both
        key: k3
        key_sha256: ${digest.replace(/a/g, 'b')}
`),
    ).toEqual([
      '6:13: security.clients[1].id: duplicate client id "web" (already used by clients[0])',
      '8:9: security.clients[2].key: missing the client\'s key: write key or key_sha256',
      '11:9: security.clients[3].key_sha256: write either key or key_sha256, not both',
    ]);
  });

  it('wants key_sha256 as 64 hex characters, stored in lower case', () => {
    expect(problems('ossa:\n  security:\n    clients: [{id: a, key_sha256: abc123}]\n')).toEqual([
      '3:35: security.clients[0].key_sha256: expected 64 hexadecimal characters (a SHA-256 digest), got a string of 6 characters (not shown: it may be a key)',
    ]);
    const loaded = config(`ossa:\n  security:\n    clients: [{id: a, key_sha256: ${'AB'.repeat(32)}}]\n`);
    expect(loaded.security.clients[0]?.key_sha256).toBe('ab'.repeat(32));
  });

  it('refuses two clients with the same key', () => {
    expect(
      problems(`ossa:\n  security:\n    clients:\n      - {id: a, key_sha256: ${digest}}\n      - {id: b, key_sha256: ${digest.toUpperCase()}}\n`),
    ).toEqual(['5:29: security.clients[1].key_sha256: the same key_sha256 as clients[0]']);
  });
});

describe('other URLs and warnings', () => {
  it('checks observability.otlp_endpoint', () => {
    expect(problems('ossa:\n  observability: {otlp_endpoint: "otel:4318"}\n')).toEqual([
      '2:34: observability.otlp_endpoint: expected an http:// or https:// URL, got "otel:4318"',
    ]);
  });

  it('warns about an agent cache_ttl while the cache is off', () => {
    expect(warnings('ossa:\n  cache: {enabled: false}\n  agents:\n    faq: {cache_ttl: 60}\n')).toEqual([
      '4:22: agents.faq.cache_ttl: has no effect: cache.enabled is false',
    ]);
  });
});

describe('server.trust_proxy', () => {
  it('takes a hop count or a list of addresses, CIDRs and range names', () => {
    expect(config('ossa:\n  server: {trust_proxy: 2}\n').server.trust_proxy).toBe(2);
    expect(config('ossa:\n  server: {trust_proxy: [10.0.0.0/8, "fd00::/8", 192.0.2.1, loopback]}\n').server.trust_proxy).toEqual(['10.0.0.0/8', 'fd00::/8', '192.0.2.1', 'loopback']);
  });

  it('refuses true in prod (every hop trusted: a client forges its address), and warns about it in dev', () => {
    expect(problems('ossa:\n  env: prod\n  server: {trust_proxy: true}\n')).toEqual([
      '3:25: server.trust_proxy: true trusts every X-Forwarded-For hop, so a client can forge its address (and its per-IP rate limit); refused in prod (write the number of proxies in front of the gateway (e.g. 1), or their addresses: [10.0.0.0/8])',
    ]);
    expect(warnings('ossa:\n  server: {trust_proxy: true}\n')).toEqual([
      '2:25: server.trust_proxy: true trusts every X-Forwarded-For hop, so a client can forge its address (and its per-IP rate limit) (write the number of proxies in front of the gateway (e.g. 1), or their addresses: [10.0.0.0/8])',
    ]);
  });

  it('names each entry that is not an address or a CIDR, and a value of the wrong kind', () => {
    expect(problems('ossa:\n  server: {trust_proxy: [10.0.0.0/33, proxy.internal, "::1/129", 10.0.0.1]}\n')).toEqual([
      '2:26: server.trust_proxy[0]: expected an IP address, a CIDR (10.0.0.0/8, fd00::/8) or one of loopback, linklocal, uniquelocal, got "10.0.0.0/33"',
      '2:39: server.trust_proxy[1]: expected an IP address, a CIDR (10.0.0.0/8, fd00::/8) or one of loopback, linklocal, uniquelocal, got "proxy.internal"',
      '2:55: server.trust_proxy[2]: expected an IP address, a CIDR (10.0.0.0/8, fd00::/8) or one of loopback, linklocal, uniquelocal, got "::1/129"',
    ]);
    expect(problems('ossa:\n  server: {trust_proxy: -1}\n')).toEqual([
      '2:25: server.trust_proxy: expected false, a number of proxy hops (e.g. 1), or a list of trusted proxy addresses and CIDRs, got -1',
    ]);
  });
});

describe('cache.scope', () => {
  const client = '    clients: [{id: web, key_sha256: "' + 'ab'.repeat(32) + '"}]\n';

  it('defaults to client when clients are configured, else to global; an agent may choose its own', () => {
    expect(config('ossa:\n  security:\n' + client).cache.scope).toBe('client');
    expect(config('ossa:\n  cache: {scope: global}\n  security:\n' + client).cache.scope).toBe('global');
    expect(config('ossa:\n  cache: {}\n').cache.scope).toBe('global');
    expect(config('ossa:\n  agents: {faq: {cache_scope: global}}\n  security:\n' + client).agents['faq']).toEqual({ cache_scope: 'global' });
  });

  it('warns when a scope isolates nothing: client without clients, user without user ids', () => {
    expect(warnings('ossa:\n  cache: {scope: client}\n')).toEqual([
      '2:18: cache.scope: client isolates nothing without security.clients: every caller shares the same answers, as with global',
    ]);
    expect(warnings('ossa:\n  agents: {a: {cache_scope: user}}\n  security:\n' + client)).toEqual([
      '2:29: agents.a.cache_scope: user is the same as client here: without security.trust_user_header the user is the client',
    ]);
    expect(warnings('ossa:\n  cache: {scope: user}\n  security:\n    trust_user_header: true\n' + client)).toEqual([]);
  });

  it('refuses an unknown scope', () => {
    expect(problems('ossa:\n  cache: {scope: tenant}\n')).toEqual(['2:18: cache.scope: expected one of global, client, user, got "tenant"']);
  });
});

describe('pass-through models', () => {
  it('takes a model under an id, its model defaulting to the id', () => {
    const models = config('ossa:\n  providers:\n    anthropic: {api_key: k}\n  models:\n    claude-sonnet-4-5: {provider: anthropic, fallback: [{provider: echo}]}\n').models;
    expect(models).toEqual({ 'claude-sonnet-4-5': { provider: 'anthropic', fallback: [{ provider: 'echo' }] } });
  });

  it('requires the provider and each fallback to be configured, naming where', () => {
    expect(
      problems(`ossa:
  providers:
    anthropic: {api_key: k}
  models:
    fast: {provider: antropic}
    smart:
      provider: anthropic
      fallback: [{provider: openai, model: gpt-4.1}, {provider: anthropic, model: smart}]
    bare: {model: x}
`),
    ).toEqual([
      '5:22: models.fast.provider: expected the name of a configured provider, got "antropic" (did you mean "anthropic"?)',
      '8:29: models.smart.fallback[0].provider: expected the name of a configured provider, got "openai" (configured providers: anthropic, echo)',
      '8:65: models.smart.fallback[1].provider: falls back to the model itself (anthropic, smart)',
      '9:5: models.bare.provider: missing required key "provider"',
    ]);
  });

  it('takes a provider type for the one provider of that type, and refuses an ambiguous one', () => {
    expect(config('ossa:\n  providers:\n    main: {type: openai, api_key: k}\n  models:\n    gpt: {provider: openai}\n').models['gpt']?.provider).toBe('openai');
    expect(problems('ossa:\n  providers:\n    a: {type: openai, api_key: k}\n    b: {type: openai, api_key: k}\n  models:\n    gpt: {provider: openai}\n')).toEqual([
      '6:21: models.gpt.provider: provider "openai" is ambiguous: providers "a", "b" all have type openai (name one of them)',
    ]);
  });

  it('refuses an id that cannot be a URL path segment', () => {
    expect(problems('ossa:\n  models:\n    "openai/gpt-4o": {provider: echo}\n')).toEqual([
      '3:5: models.openai/gpt-4o: a model id is 1 to 253 letters, digits, ".", "_", ":", "@" or "-", starting with a letter or digit; got "openai/gpt-4o" (clients send it as "model", and it is a segment of /v1/models/{id})',
    ]);
    expect(config('ossa:\n  models:\n    "us.anthropic.claude-3-7-sonnet-20250219-v1:0": {provider: echo}\n').models).toHaveProperty(['us.anthropic.claude-3-7-sonnet-20250219-v1:0']);
  });

  it('lets a client name the models it may use', () => {
    const clients = config('ossa:\n  security:\n    clients: [{id: cc, key: k, models: ["claude-*"]}]\n').security.clients;
    expect(clients[0]?.models).toEqual(['claude-*']);
  });
});

describe('budgets', () => {
  it('reads per-user, per-client and gateway budgets and a price table per provider and model', () => {
    const budgets = config(`ossa:
  providers:
    anthropic: {api_key: k}
  security:
    clients: [{id: acme, key: "\${ACME_KEY}"}]
  budgets:
    user: {tokens_per_minute: 20000, tokens_per_day: 200000}
    clients: {acme: {cost_per_day: 25}}
    global: {cost_per_day: 100}
    prices:
      anthropic: {claude-sonnet-4-5: {input: 3, output: 15}}
`).budgets;
    expect(budgets).toEqual({
      enabled: true, storage: 'memory', fail_open: true,
      user: { tokens_per_minute: 20000, tokens_per_day: 200000 },
      clients: { acme: { cost_per_day: 25 } },
      global: { cost_per_day: 100 },
      prices: { anthropic: { 'claude-sonnet-4-5': { input: 3, output: 15 } } },
    });
  });

  it('refuses budgets of clients and prices of providers that are not configured, at their key, and a bad limit at its value', () => {
    expect(problems(`ossa:
  security:
    clients: [{id: acme, key: "\${ACME_KEY}"}]
  budgets:
    clients: {acme: {tokens_per_day: 10}, acne: {tokens_per_day: 10}}
    prices:
      anthropic: {claude: {input: 3, output: 15}}
    user: {tokens_per_day: 0}
`)).toEqual([
      '5:43: budgets.clients.acne: expected the id of a client in security.clients, got "acne" (did you mean "acme"?)',
      '7:7: budgets.prices.anthropic: expected the name of a configured provider, got "anthropic" (configured providers: echo)',
      '8:28: budgets.user.tokens_per_day: expected an integer of at least 1, got 0',
    ]);
  });

  it('needs redis.url for storage redis', () => {
    expect(problems('ossa:\n  budgets: {storage: redis}\n')).toEqual(['2:22: budgets.storage: storage "redis" needs redis.url (set redis.url, e.g. redis://127.0.0.1:6379)']);
  });
});
