import { afterAll, describe, expect, it } from 'vitest';
import { formatIssue } from '../../config/source-issue.js';
import type { HttpToolsConfig } from '../../config/ossa-config.js';
import { manifestEnvironment } from '../../agents/manifest-environment.js';
import { parseConfigText } from '../../config/load-config.js';
import { KnownSecrets } from '../../secrets/known-secrets.js';
import type { ManifestToolEntry } from '../server-tool.js';
import { httpToolKind, type HttpToolKind, type HttpToolKindOptions } from './http-tool-kind.js';

const CONFIG: HttpToolsConfig = { allowed_hosts: ['api.example.com', '*.internal.example.com:8443', '127.0.0.1'], max_response_bytes: 1024, allow_insecure_http: false, max_redirects: 3 };
const kinds: HttpToolKind[] = [];
afterAll(() => Promise.all(kinds.map((kind) => kind.close())));

function kind(options: Partial<HttpToolKindOptions> = {}): HttpToolKind {
  const made = httpToolKind({ config: CONFIG, defaultTimeoutMs: 30_000, env: { TOOL_TOKEN: 'tok-0123456789abcdef' }, ...options });
  kinds.push(made);
  return made;
}

function entry(raw: Record<string, unknown>): ManifestToolEntry {
  return { index: 2, raw, source: { file: '/agents/support.ossa.yaml', line: 40, column: 7 } };
}

/** The problem as `validate` prints it, or `ok: <tool names>`. */
function resolved(raw: Record<string, unknown>, options: Partial<HttpToolKindOptions> = {}): string {
  const resolution = kind(options).resolve(entry(raw), 'support');
  return 'problem' in resolution ? formatIssue(resolution.problem) : `ok: ${resolution.source.tools().map((tool) => tool.definition.name).join(', ')}`;
}

describe('the http tool kind', () => {
  it('accepts type http and api entries only', () => {
    const http = kind();
    expect(['http', 'api', 'function', 'mcp', undefined].map((type) => http.accepts(entry({ type, name: 'x' })))).toEqual([true, true, false, false, false]);
    expect(http.kind).toBe('http');
  });

  it.each([
    ['https://api.example.com/search', 'ok: search'],
    ['https://API.example.com:444/search', 'ok: search'],
    ['https://a.b.internal.example.com:8443/x', 'ok: search'],
    ['http://127.0.0.1:9/x', 'ok: search'],
    [
      'https://internal.example.com:8443/x',
      '/agents/support.ossa.yaml:40:7: spec.tools[2].endpoint: host internal.example.com:8443 is not in tools.http.allowed_hosts (add "internal.example.com" (or "internal.example.com:8443") to tools.http.allowed_hosts in ossa.yaml if the gateway may call it)',
    ],
    ['https://x.internal.example.com/x', '/agents/support.ossa.yaml:40:7: spec.tools[2].endpoint: host x.internal.example.com is not in tools.http.allowed_hosts (add "x.internal.example.com" to tools.http.allowed_hosts in ossa.yaml if the gateway may call it)'],
    ['https://evil.example.org/', '/agents/support.ossa.yaml:40:7: spec.tools[2].endpoint: host evil.example.org is not in tools.http.allowed_hosts (add "evil.example.org" to tools.http.allowed_hosts in ossa.yaml if the gateway may call it)'],
    [
      'http://api.example.com/search',
      '/agents/support.ossa.yaml:40:7: spec.tools[2].endpoint: plain http to api.example.com is refused: the model\'s arguments and the tool\'s credentials would cross the network unencrypted (use https, or set tools.http.allow_insecure_http: true)',
    ],
    ['ftp://api.example.com/x', '/agents/support.ossa.yaml:40:7: spec.tools[2].endpoint: expected an http or https URL, got ftp:'],
    ['/ask', '/agents/support.ossa.yaml:40:7: spec.tools[2].endpoint: "/ask" is not an absolute URL (write the whole URL, e.g. https://api.example.com/search)'],
    ['https://user:pw@api.example.com/x', '/agents/support.ossa.yaml:40:7: spec.tools[2].endpoint: a URL may not hold credentials (use auth: {type: basic, username: ..., password: ${VAR}})'],
    ['https://{tenant}.api.example.com/x', '/agents/support.ossa.yaml:40:7: spec.tools[2].endpoint: a {parameter} may stand only in the path, not in the host'],
  ])('endpoint %s: %s', (endpoint, expected) => {
    expect(resolved({ type: 'http', name: 'search', endpoint })).toBe(expected);
  });

  it('refuses every endpoint when allowed_hosts is empty (the default)', () => {
    expect(resolved({ type: 'api', name: 'search', endpoint: 'https://api.example.com/search' }, { config: { ...CONFIG, allowed_hosts: [] } })).toMatch(
      /spec\.tools\[2\]\.endpoint: host api\.example\.com is not in tools\.http\.allowed_hosts/,
    );
  });

  it('allows plain http to a listed host with allow_insecure_http', () => {
    expect(resolved({ type: 'http', name: 'search', endpoint: 'http://api.example.com/' }, { config: { ...CONFIG, allow_insecure_http: true } })).toBe('ok: search');
  });

  it.each([
    [{ type: 'http', name: 'pagerduty' }, 'spec.tools[2].endpoint: http tool "pagerduty" has no endpoint: the gateway cannot call it (add endpoint: https://host/path)'],
    [{ type: 'http', endpoint: 'https://api.example.com' }, 'spec.tools[2].name: an http tool needs a name: the model calls it by that name'],
    [{ type: 'http', name: 'web search', endpoint: 'https://api.example.com' }, 'spec.tools[2].name: tool name "web search" is not accepted by model APIs (use letters, digits, _ and - (at most 64))'],
    [{ type: 'http', name: 't', endpoint: 'https://api.example.com', method: 'TRACE' }, 'spec.tools[2].method: expected one of GET, POST, PUT, PATCH, DELETE, got "TRACE"'],
    [{ type: 'http', name: 't', endpoint: 'https://api.example.com', config: { timeout: 'soon' } }, 'spec.tools[2].config.timeout: expected a number of seconds above 0, got "soon"'],
    [{ type: 'http', name: 't', endpoint: 'https://api.example.com', headers: { Host: 'x' } }, 'spec.tools[2].headers.Host: Host is set by the gateway from the request itself'],
    [{ type: 'http', name: 't', endpoint: 'https://api.example.com', auth: { type: 'bearer' } }, 'spec.tools[2].auth.credentials: auth type bearer needs a token (add credentials: ${VARIABLE} (or file:/path, vault:NAME))'],
    [{ type: 'http', name: 't', endpoint: 'https://api.example.com', auth: { type: 'oauth2' } }, 'spec.tools[2].auth.type: auth type "oauth2" is not supported for http tools (use bearer, apikey, basic or none)'],
    [
      { type: 'http', name: 't', endpoint: 'https://api.example.com', auth: { type: 'apikey', in: 'query', credentials: 'TOOL_TOKEN' } },
      'spec.tools[2].auth.in: an api key is sent in a header only (keys in a query string end up in access logs)',
    ],
    [
      { type: 'http', name: 't', endpoint: 'https://api.example.com', auth: { type: 'bearer', credentials: 'sk-live-abc123' } },
      'spec.tools[2].auth.credentials: the credential cannot be used: expected a reference to the secret (${VAR}, VAR, file:/path or vault:NAME), not the secret itself',
    ],
    [{ type: 'http', name: 't', endpoint: 'https://api.example.com', auth: { type: 'bearer', credentials: 'MISSING_TOKEN' } }, 'spec.tools[2].auth.credentials: the credential cannot be used: MISSING_TOKEN is not set'],
    [
      { type: 'http', name: 't', endpoint: 'https://api.example.com', auth: { type: 'bearer', tokenPath: '/nonexistent/token' } },
      'spec.tools[2].auth.tokenPath: the credential cannot be used: secret file /nonexistent/token cannot be read (ENOENT)',
    ],
    [{ type: 'http', name: 't', endpoint: 'https://api.example.com', credentials_ref: 'MISSING_TOKEN' }, 'spec.tools[2].credentials_ref: the credential cannot be used: MISSING_TOKEN is not set'],
    [{ type: 'http', name: 't', endpoint: 'https://api.example.com', parameters: { type: 'string' } }, 'spec.tools[2].parameters.type: expected a JSON Schema of type "object", got type "string"'],
  ])('reports %j at file:line and key', (raw, expected) => {
    expect(resolved(raw)).toBe(`/agents/support.ossa.yaml:40:7: ${expected}`);
  });

  it('refuses a credential that is one of the gateway\'s own secrets', () => {
    const secrets = new KnownSecrets(['sk-ant-api03-providerkey-0123456789']);
    const env = { STOLEN: 'sk-ant-api03-providerkey-0123456789' };
    expect(resolved({ type: 'http', name: 't', endpoint: 'https://api.example.com', auth: { credentials: '${STOLEN}' } }, { env, secrets })).toBe(
      "/agents/support.ossa.yaml:40:7: spec.tools[2].auth.credentials: the credential cannot be used: env:STOLEN holds one of the gateway's own secrets, which no tool may send",
    );
  });

  it('reads ${VAR} in endpoints and credentials only as manifest_env allows, and never a variable the config reads a secret from', () => {
    const config = parseConfigText(
      'ossa:\n  providers:\n    anthropic:\n      api_key: ${ANTHROPIC_API_KEY}\n  manifest_env: [TOOL_TOKEN, TOOLS_URL]\n',
      '/etc/ossa.yaml',
      { ANTHROPIC_API_KEY: 'sk-ant-api03-0123456789abcdef' },
    ).config;
    const process = { ANTHROPIC_API_KEY: 'sk-ant-api03-0123456789abcdef', TOOL_TOKEN: 'tok-0123456789abcdef', OTHER_TOKEN: 'tok-fedcba9876543210', TOOLS_URL: 'https://api.example.com' };
    const env = manifestEnvironment(config, process);
    const with_ = (auth: Record<string, unknown>, endpoint = '${TOOLS_URL}/search') => resolved({ type: 'http', name: 't', endpoint, auth }, { env });
    expect(with_({ credentials: '${TOOL_TOKEN}' })).toBe('ok: t');
    expect(with_({ credentials: 'OTHER_TOKEN' })).toMatch(/spec\.tools\[2\]\.auth\.credentials: the credential cannot be used: \$\{OTHER_TOKEN\} may not be read here: manifest_env allows TOOL_TOKEN, TOOLS_URL/);
    expect(with_({ credentials: 'ANTHROPIC_API_KEY' })).toMatch(/\$\{ANTHROPIC_API_KEY\} may not be read here: the config reads the secret providers\.anthropic\.api_key from it/);
    expect(with_({ credentials: '${TOOL_TOKEN}' }, '${OSSA_MESH_URL:-https://api.example.com}')).toMatch(/spec\.tools\[2\]\.endpoint: \$\{OSSA_MESH_URL\} may not be read here/);
  });

  it('reads the input schema as each OSSA version writes it', () => {
    const definition = (raw: Record<string, unknown>) => {
      const resolution = kind().resolve(entry({ type: 'api', name: 't', endpoint: 'https://api.example.com', ...raw }), 'a');
      if ('problem' in resolution) throw new Error(formatIssue(resolution.problem));
      return resolution.source.tools()[0]!.definition;
    };
    const schema = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] };
    expect(definition({ input_schema: schema }).parameters).toEqual(schema);
    expect(definition({ inputSchema: schema }).parameters).toEqual(schema);
    expect(definition({ parameters: schema }).parameters).toEqual(schema);
    // v0.3: the parameters themselves, a `required: true` flag on one.
    expect(definition({ parameters: { user_id: { type: 'integer', required: true }, note: { type: 'string' } } }).parameters).toEqual({
      type: 'object',
      properties: { user_id: { type: 'integer' }, note: { type: 'string' } },
      required: ['user_id'],
    });
    expect(definition({}).parameters).toEqual({ type: 'object', properties: {} });
    expect(definition({ description: '  Search things.\n' }).description).toBe('Search things.');
  });

  it('rejects a bad allowed_hosts entry in ossa.yaml at file:line', () => {
    expect(() => parseConfigText('ossa:\n  tools:\n    http:\n      allowed_hosts: ["https://api.example.com/"]\n', '/etc/ossa.yaml', {})).toThrow(
      '/etc/ossa.yaml:4:23: tools.http.allowed_hosts[0]: expected a host such as "api.example.com", "api.example.com:8443", "*.example.com" or "127.0.0.1", got "https://api.example.com/"',
    );
    const config = parseConfigText('ossa:\n  tools:\n    http:\n      allowed_hosts: ["*.example.com", "[::1]:8080"]\n      max_response_bytes: 64kb\n', '/etc/ossa.yaml', {}).config;
    expect(config.tools.http).toEqual({ allowed_hosts: ['*.example.com', '[::1]:8080'], max_response_bytes: 65_536, allow_insecure_http: false, max_redirects: 3 });
  });
});
