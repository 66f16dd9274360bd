import { isIP } from 'node:net';
import { isProviderType, PROVIDER_TYPES, providerKind } from '../providers/provider-kinds.js';
import type { ProviderType } from '../providers/provider.js';
import { didYouMean, isRecord, showValue, type ConfigFindings, type ConfigProblem } from './config-problem.js';
import { suggest } from './did-you-mean.js';

/**
 * Before validation: makes the built-in `echo` provider available when the file does not
 * configure one, and gives a provider named after a type (`anthropic:`) that type.
 */
export function prepareProviders(tree: Record<string, unknown>): void {
  if (tree['providers'] === undefined || tree['providers'] === null) tree['providers'] = {};
  const providers = tree['providers'];
  if (!isRecord(providers)) return;
  if (!('echo' in providers)) providers['echo'] = { type: 'echo' satisfies ProviderType };
  for (const [name, provider] of Object.entries(providers)) {
    // `echo: ~` configures a provider with every default.
    const settings = provider === null ? (providers[name] = {}) : provider;
    if (isRecord(settings) && settings['type'] === undefined && isProviderType(name)) settings['type'] = name;
  }
}

/**
 * After validation and defaults: the rules a schema cannot state (a fallback names a configured
 * provider, `storage: redis` needs `redis.url`, client ids are unique, ...) and warnings about
 * risky but legal settings. Tolerates a tree that failed validation, so every problem is
 * reported in one pass.
 */
export function checkConfig(tree: Record<string, unknown>): ConfigFindings {
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  checkSymfonyPlaceholders(tree, [], errors);
  checkProviders(tree, errors, warnings);
  checkModels(tree, errors);
  checkRedis(tree, errors);
  checkServerTimeouts(tree, errors);
  checkClients(tree, errors);
  checkBudgets(tree, errors);
  checkMcpServers(tree, errors);
  checkTrustProxy(tree, errors, warnings);
  warnAboutCacheScope(tree, warnings);
  checkUrl(get(tree, 'observability', 'otlp_endpoint'), ['observability', 'otlp_endpoint'], ['http:', 'https:'], errors);
  warnAboutSecurity(tree, warnings);
  warnAboutUnusedSettings(tree, warnings);
  return { errors, warnings };
}

function get(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const part of path) node = isRecord(node) ? node[part] : undefined;
  return node;
}

function entries(value: unknown): [string, Record<string, unknown>][] {
  return isRecord(value) ? Object.entries(value).filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1])) : [];
}

function checkSymfonyPlaceholders(value: unknown, path: (string | number)[], errors: ConfigProblem[]): void {
  if (typeof value === 'string') {
    const match = /%env\((?:[a-z_]+:)*([A-Za-z_][A-Za-z0-9_]*)\)%/.exec(value);
    if (match) {
      errors.push({ path, message: `Symfony's ${match[0]} is not read here`, hint: `write \${${match[1]}} instead` });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkSymfonyPlaceholders(item, [...path, i], errors));
  } else if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) checkSymfonyPlaceholders(child, [...path, key], errors);
  }
}

function checkProviders(tree: Record<string, unknown>, errors: ConfigProblem[], warnings: ConfigProblem[]): void {
  const providers = isRecord(tree['providers']) ? tree['providers'] : {};
  const names = Object.keys(providers);
  const unknownProvider = (name: unknown, path: (string | number)[]): void => {
    if (typeof name !== 'string' || name in providers) return;
    const close = suggest(name, names);
    errors.push({
      path,
      message: `expected the name of a configured provider, got ${showValue(name)}`,
      hint: close ? didYouMean(close).hint : `configured providers: ${names.join(', ')}`,
    });
  };
  unknownProvider(tree['default_provider'], ['default_provider']);

  for (const [name, provider] of entries(providers)) {
    const at = (...rest: string[]): string[] => ['providers', name, ...rest];
    if (provider['type'] === undefined) {
      errors.push({
        path: at('type'),
        anchor: at(),
        at: 'key',
        message: `type is required: one of ${PROVIDER_TYPES.join(', ')}`,
        hint: `only a provider named ${PROVIDER_TYPES.join(', ')} may leave out its type`,
      });
    }
    const type = provider['type'];
    if (isProviderType(type) && providerKind(type).requiresBaseUrl && provider['base_url'] === undefined) {
      errors.push({
        path: at('base_url'),
        anchor: at(),
        at: 'key',
        message: `base_url is required for type ${type}`,
        hint: 'the URL of the server, e.g. http://127.0.0.1:11434/v1',
      });
    }
    // Whether plain http is acceptable (enforce_https, loopback, allow_insecure_http) is the
    // SecureProviderFactory's decision; here only the URL's form is checked.
    checkUrl(provider['base_url'], at('base_url'), ['http:', 'https:'], errors);
    if (provider['allow_insecure_http'] === true && tree['env'] === 'prod') {
      warnings.push({ path: at('allow_insecure_http'), message: 'plain http to a provider is allowed in prod' });
    }

    const breaker = provider['circuit_breaker'];
    if (!isRecord(breaker)) continue;
    const fallbacks = breaker['fallback_providers'];
    if (Array.isArray(fallbacks)) {
      fallbacks.forEach((fallback, i) => {
        const path = [...at('circuit_breaker', 'fallback_providers'), i];
        if (fallback === name) errors.push({ path, message: `a provider cannot fall back to itself ("${name}")` });
        else unknownProvider(fallback, path);
      });
    }
    const initial = breaker['initial_backoff_ms'];
    const max = breaker['max_backoff_ms'];
    if (typeof initial === 'number' && typeof max === 'number' && max < initial) {
      errors.push({ path: at('circuit_breaker', 'max_backoff_ms'), message: `expected at least initial_backoff_ms (${initial}), got ${max}` });
    }
  }
}

/** What a pass-through model's id may be: it is a `model` in request bodies and a segment of `/v1/models/{id}`. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,252}$/;

/**
 * `models.<id>`: an id that fits in a URL path segment, a configured provider (by name, or
 * the one provider of that type), fallbacks that name configured providers and not the model
 * itself. That no agent has the same name is checked once the manifests are loaded
 * (`resolveModelRoutes`).
 */
function checkModels(tree: Record<string, unknown>, errors: ConfigProblem[]): void {
  const providers = isRecord(tree['providers']) ? tree['providers'] : {};
  const names = Object.keys(providers);
  const typeOf = (name: string): unknown => (isRecord(providers[name]) ? providers[name]['type'] : undefined);
  const known = (name: string): boolean => name in providers || names.filter((other) => typeOf(other) === name).length === 1;
  const checkProvider = (name: unknown, path: (string | number)[]): void => {
    if (typeof name !== 'string' || known(name)) return;
    const ofType = names.filter((other) => typeOf(other) === name);
    if (ofType.length > 1) {
      errors.push({ path, message: `provider "${name}" is ambiguous: providers ${ofType.map((n) => `"${n}"`).join(', ')} all have type ${name}`, hint: 'name one of them' });
      return;
    }
    const close = suggest(name, names);
    errors.push({ path, message: `expected the name of a configured provider, got ${showValue(name)}`, hint: close ? didYouMean(close).hint : `configured providers: ${names.join(', ')}` });
  };
  for (const [id, model] of entries(tree['models'])) {
    if (!MODEL_ID.test(id)) {
      errors.push({
        path: ['models', id],
        at: 'key',
        message: `a model id is 1 to 253 letters, digits, ".", "_", ":", "@" or "-", starting with a letter or digit; got ${showValue(id)}`,
        hint: 'clients send it as "model", and it is a segment of /v1/models/{id}',
      });
    }
    checkProvider(model['provider'], ['models', id, 'provider']);
    const fallbacks = model['fallback'];
    if (!Array.isArray(fallbacks)) continue;
    fallbacks.forEach((fallback: unknown, i) => {
      if (!isRecord(fallback)) return;
      const path = ['models', id, 'fallback', i, 'provider'];
      const same = fallback['provider'] === model['provider'] && (fallback['model'] ?? id) === (model['model'] ?? id);
      if (same) errors.push({ path, message: `falls back to the model itself (${String(fallback['provider'])}, ${String(fallback['model'] ?? model['model'] ?? id)})` });
      else checkProvider(fallback['provider'], path);
    });
  }
}

function checkRedis(tree: Record<string, unknown>, errors: ConfigProblem[]): void {
  const url = get(tree, 'redis', 'url');
  checkUrl(url, ['redis', 'url'], ['redis:', 'rediss:'], errors);
  const prefix = get(tree, 'redis', 'key_prefix');
  // Redis Cluster hashes only the first {...} of a key: a brace in the prefix would take the
  // place of the gateway's own tags ({rl}, {<agent>}) and scatter one script's keys over slots.
  if (typeof prefix === 'string' && /[{}]/.test(prefix)) {
    errors.push({
      path: ['redis', 'key_prefix'],
      message: `must not contain "{" or "}", got ${showValue(prefix)}: Redis Cluster reads the first {...} of a key as its hash tag, and the gateway's keys carry their own`,
      hint: `e.g. ${showValue(prefix.replace(/[{}]/g, ''))}`,
    });
  }
  for (const section of ['rate_limit', 'cache', 'budgets']) {
    if (get(tree, section, 'storage') === 'redis' && url === undefined) {
      errors.push({
        path: [section, 'storage'],
        message: 'storage "redis" needs redis.url',
        hint: 'set redis.url, e.g. redis://127.0.0.1:6379',
      });
    }
  }
}

/** `budgets.clients` names configured client ids; `budgets.prices` configured providers. */
function checkBudgets(tree: Record<string, unknown>, errors: ConfigProblem[]): void {
  const clients = get(tree, 'security', 'clients');
  const ids = Array.isArray(clients) ? clients.filter(isRecord).map((c) => c['id']).filter((id): id is string => typeof id === 'string') : [];
  for (const [id] of entries(get(tree, 'budgets', 'clients'))) {
    if (ids.includes(id)) continue;
    const close = suggest(id, ids);
    errors.push({
      path: ['budgets', 'clients', id],
      at: 'key',
      message: `expected the id of a client in security.clients, got ${showValue(id)}`,
      hint: close ? didYouMean(close).hint : ids.length > 0 ? `configured clients: ${ids.join(', ')}` : 'security.clients configures none',
    });
  }
  const providers = isRecord(tree['providers']) ? Object.keys(tree['providers']) : [];
  for (const [name] of entries(get(tree, 'budgets', 'prices'))) {
    if (providers.includes(name)) continue;
    const close = suggest(name, providers);
    errors.push({
      path: ['budgets', 'prices', name],
      at: 'key',
      message: `expected the name of a configured provider, got ${showValue(name)}`,
      hint: close ? didYouMean(close).hint : `configured providers: ${providers.join(', ')}`,
    });
  }
}

function checkServerTimeouts(tree: Record<string, unknown>, errors: ConfigProblem[]): void {
  const headers = get(tree, 'server', 'headers_timeout');
  const request = get(tree, 'server', 'request_timeout');
  // Node refuses a server whose headers may take longer than the whole request.
  if (typeof headers === 'number' && typeof request === 'number' && request < headers) {
    errors.push({ path: ['server', 'request_timeout'], message: `expected at least headers_timeout (${headers}), got ${request}: the whole request includes its headers` });
  }
}

/** Reports a value that is not a URL with one of `protocols` (`http:`) and a host. */
function checkUrl(value: unknown, path: (string | number)[], protocols: readonly string[], errors: ConfigProblem[]): void {
  if (typeof value !== 'string') return;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || !protocols.includes(url.protocol) || url.host === '') {
    const schemes = protocols.map((protocol) => `${protocol}//`).join(' or ');
    const article = schemes.startsWith('h') ? 'an' : 'a';
    errors.push({ path, message: `expected ${article} ${schemes} URL, got ${showValue(value)}` });
  }
}

/** Each MCP server has what its transport needs: a `command` for stdio, an http(s) `url` otherwise. */
function checkMcpServers(tree: Record<string, unknown>, errors: ConfigProblem[]): void {
  for (const [name, server] of entries(get(tree, 'mcp', 'servers'))) {
    const at = ['mcp', 'servers', name];
    const transport = server['transport'] ?? (server['command'] !== undefined ? 'stdio' : server['url'] !== undefined ? 'streamable-http' : undefined);
    if (transport === undefined) {
      errors.push({ path: at, message: 'expected a "command" (stdio) or a "url" (streamable-http, sse)', at: 'key' });
    } else if (transport === 'stdio') {
      if (server['command'] === undefined) errors.push({ path: [...at, 'command'], anchor: at, message: 'the stdio transport needs the command that starts the server' });
      if (server['url'] !== undefined) errors.push({ path: [...at, 'url'], message: 'a stdio server has no url', hint: 'set transport: streamable-http' });
    } else {
      if (server['url'] === undefined) errors.push({ path: [...at, 'url'], anchor: at, message: `the ${String(transport)} transport needs the server's url` });
      else checkUrl(server['url'], [...at, 'url'], ['http:', 'https:'], errors);
      if (server['command'] !== undefined) errors.push({ path: [...at, 'command'], message: `a ${String(transport)} server is not started by the gateway`, hint: 'set transport: stdio' });
    }
  }
}

function checkClients(tree: Record<string, unknown>, errors: ConfigProblem[]): void {
  const clients = get(tree, 'security', 'clients');
  if (!Array.isArray(clients)) return;
  const ids = new Map<string, number>();
  const keys = new Map<string, number>();
  clients.forEach((client: unknown, i) => {
    if (!isRecord(client)) return;
    const at = (...rest: string[]): (string | number)[] => ['security', 'clients', i, ...rest];
    const id = client['id'];
    if (typeof id === 'string') {
      const first = ids.get(id);
      if (first !== undefined) errors.push({ path: at('id'), message: `duplicate client id "${id}" (already used by clients[${first}])` });
      else ids.set(id, i);
    }
    const hasKey = client['key'] !== undefined;
    const hasDigest = client['key_sha256'] !== undefined;
    if (hasKey && hasDigest) {
      errors.push({ path: at('key_sha256'), at: 'key', message: 'write either key or key_sha256, not both' });
    } else if (!hasKey && !hasDigest) {
      errors.push({ path: at('key'), anchor: at(), message: 'missing the client\'s key: write key or key_sha256' });
    }
    for (const field of ['key', 'key_sha256']) {
      const value = client[field];
      if (typeof value !== 'string') continue;
      const normalized = field === 'key_sha256' ? `sha256:${value.toLowerCase()}` : value;
      const first = keys.get(normalized);
      if (first !== undefined) errors.push({ path: at(field), message: `the same ${field} as clients[${first}]` });
      else keys.set(normalized, i);
    }
  });
}

/** Names proxy-addr (Fastify's `trustProxy`) reads as address ranges. */
const PROXY_RANGE_NAMES: readonly string[] = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `server.trust_proxy: true` trusts every `X-Forwarded-For` hop, so any client chooses its own
 * IP (and with it its per-IP bucket): refused in prod, a warning in dev. A list must hold
 * addresses or CIDRs, which Fastify would otherwise reject only when the first request came.
 */
function checkTrustProxy(tree: Record<string, unknown>, errors: ConfigProblem[], warnings: ConfigProblem[]): void {
  const value = get(tree, 'server', 'trust_proxy');
  const at = ['server', 'trust_proxy'];
  const hint = 'write the number of proxies in front of the gateway (e.g. 1), or their addresses: [10.0.0.0/8]';
  if (value === true) {
    const message = 'true trusts every X-Forwarded-For hop, so a client can forge its address (and its per-IP rate limit)';
    if (tree['env'] === 'prod') errors.push({ path: at, message: `${message}; refused in prod`, hint });
    else warnings.push({ path: at, message, hint });
    return;
  }
  if (!Array.isArray(value)) return;
  value.forEach((entry: unknown, i) => {
    if (typeof entry !== 'string' || isProxyRange(entry)) return;
    errors.push({
      path: [...at, i],
      message: `expected an IP address, a CIDR (10.0.0.0/8, fd00::/8) or one of ${PROXY_RANGE_NAMES.join(', ')}, got ${showValue(entry)}`,
    });
  });
}

function isProxyRange(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const slash = entry.indexOf('/');
  if (slash < 0) return isIP(entry) !== 0;
  const family = isIP(entry.slice(0, slash));
  const bits = entry.slice(slash + 1);
  return family !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** A scope that isolates nothing here (no clients, or no user ids) is worth a line: it looks safer than it is. */
function warnAboutCacheScope(tree: Record<string, unknown>, warnings: ConfigProblem[]): void {
  const clients = get(tree, 'security', 'clients');
  const hasClients = Array.isArray(clients) && clients.length > 0;
  const userHeader = get(tree, 'security', 'trust_user_header') === true;
  const scopes: [string[], unknown][] = [[['cache', 'scope'], get(tree, 'cache', 'scope')], ...entries(tree['agents']).map(([name, o]): [string[], unknown] => [['agents', name, 'cache_scope'], o['cache_scope']])];
  for (const [path, scope] of scopes) {
    if (scope === 'client' && !hasClients) {
      warnings.push({ path, message: 'client isolates nothing without security.clients: every caller shares the same answers, as with global' });
    } else if (scope === 'user' && hasClients && !userHeader) {
      warnings.push({ path, message: 'user is the same as client here: without security.trust_user_header the user is the client' });
    }
  }
}

function warnAboutSecurity(tree: Record<string, unknown>, warnings: ConfigProblem[]): void {
  if (tree['env'] !== 'prod') return;
  if (get(tree, 'security', 'enforce_https') === false) {
    warnings.push({ path: ['security', 'enforce_https'], message: 'enforce_https is off in prod' });
  }
  if (get(tree, 'security', 'allow_plaintext_keys') === true) {
    warnings.push({ path: ['security', 'allow_plaintext_keys'], message: 'API keys written in plain text are accepted in prod' });
  }
  if (get(tree, 'tools', 'http', 'allow_insecure_http') === true) {
    warnings.push({ path: ['tools', 'http', 'allow_insecure_http'], message: 'plain http to tool endpoints is allowed in prod' });
  }
}

function warnAboutUnusedSettings(tree: Record<string, unknown>, warnings: ConfigProblem[]): void {
  if (get(tree, 'cache', 'enabled') !== false) return;
  for (const [name, overrides] of entries(tree['agents'])) {
    if (overrides['cache_ttl'] !== undefined) {
      warnings.push({ path: ['agents', name, 'cache_ttl'], message: 'has no effect: cache.enabled is false' });
    }
  }
}
