import { Agent, type Dispatcher } from 'undici';
import { interpolate, PlaceholderError } from '../../config/interpolate.js';
import type { HttpToolsConfig } from '../../config/ossa-config.js';
import type { SourceIssue } from '../../config/source-issue.js';
import { formatPath } from '../../config/source-issue.js';
import { KnownSecrets, NO_SECRETS, type SecretRedactor } from '../../secrets/known-secrets.js';
import { Secret } from '../../secrets/secret.js';
import type { ManifestToolEntry, ServerTool, ToolKindHandler, ToolResolution } from '../server-tool.js';
import { HostAllowList, isLoopbackHost } from './host-allow-list.js';
import { HttpTool } from './http-tool.js';
import { readHttpToolEntry, type CredentialReference, type EntryProblem, type HttpToolEntry } from './read-http-tool-entry.js';
import { resolveToolCredential, type CredentialSources } from './resolve-tool-credential.js';

/** What the http kind is built from. */
export interface HttpToolKindOptions extends CredentialSources {
  /** `tools.http`. */
  readonly config: HttpToolsConfig;
  /** Per-call timeout of a tool whose manifest sets none (`timeout_seconds`, `config.timeout`). */
  readonly defaultTimeoutMs: number;
  /** Shared keep-alive connections; absent: the kind's own undici `Agent` (closed by `close()`). */
  readonly dispatcher?: Dispatcher;
}

/** The http kind, and the connections it keeps open. */
export interface HttpToolKind extends ToolKindHandler {
  /** Closes the kind's own connections (not a dispatcher it was given). */
  close(): Promise<void>;
}

/** Keep-alive connections per origin; more calls at once wait for one. */
const CONNECTIONS_PER_ORIGIN = 16;

/**
 * The `type: http` and `type: api` tools of manifests: each entry is one tool the gateway
 * calls itself. Refused at load, with the entry's file:line and key: an entry without an
 * endpoint or with a relative one, a scheme other than http(s), a host not in
 * `tools.http.allowed_hosts`, plain http to a host that is not loopback (unless
 * `allow_insecure_http`), a credential that does not resolve or is one of the gateway's own
 * secrets.
 *
 * @example
 * const http = httpToolKind({ config: config.tools.http, defaultTimeoutMs: 30_000, env: manifestEnvironment(config, process.env, secrets), secrets });
 * const resolution = http.resolve(entry, 'support-agent');
 */
export function httpToolKind(options: HttpToolKindOptions): HttpToolKind {
  const hosts = new HostAllowList(options.config.allowed_hosts);
  const owned = options.dispatcher ? undefined : new Agent({ connections: CONNECTIONS_PER_ORIGIN, headersTimeout: 0, bodyTimeout: 0 });
  const dispatcher = options.dispatcher ?? owned!;
  const gatewaySecrets = options.secrets ?? NO_SECRETS;

  return {
    kind: 'http',
    accepts: (entry) => entry.raw['type'] === 'http' || entry.raw['type'] === 'api',
    resolve(entry: ManifestToolEntry): ToolResolution {
      const at = ['spec', 'tools', entry.index];
      const issue = (problem: EntryProblem): ToolResolution => ({ problem: toSourceIssue(entry, problem) });
      const read = readHttpToolEntry(entry.raw, at);
      if ('message' in read) return issue(read);

      const endpoint = resolveEndpoint(read, options);
      if ('message' in endpoint) return issue(endpoint);
      const refusal = refuseUrl(endpoint.url, read, hosts, options.config);
      if (refusal) return issue(refusal);

      const secretHeaders: Record<string, Secret> = {};
      const ownSecrets: string[] = [];
      const resolve = (ref: CredentialReference): Secret | EntryProblem => {
        const resolved = resolveToolCredential(ref.reference, options);
        if (!resolved.ok) return { path: ref.path, message: `the credential cannot be used: ${resolved.reason}` };
        ownSecrets.push(resolved.secret.reveal());
        return resolved.secret;
      };
      for (const secretHeader of read.secretHeaders) {
        const secret = resolve(secretHeader);
        if ('message' in secret) return issue(secret);
        secretHeaders[secretHeader.name] = secret;
      }
      const auth = authHeader(read, resolve);
      if (auth && 'message' in auth) return issue(auth);
      if (auth) {
        secretHeaders[auth.name] = auth.value;
        ownSecrets.push(auth.value.reveal());
      }

      const tool = new HttpTool({
        definition: { name: read.name, ...(read.description ? { description: read.description } : {}), parameters: read.parameters },
        endpoint: endpoint.text,
        method: read.method,
        headers: read.headers,
        secretHeaders,
        timeoutMs: read.timeoutSeconds !== undefined ? read.timeoutSeconds * 1000 : options.defaultTimeoutMs,
        readOnly: read.readOnly,
        maxResponseBytes: options.config.max_response_bytes,
        maxRedirects: options.config.max_redirects,
        redact: redactorOf(gatewaySecrets, ownSecrets),
        dispatcher,
      });
      const tools: readonly ServerTool[] = [tool];
      return { source: { tools: () => tools, unavailable: () => undefined } };
    },
    async close() {
      if (owned && !owned.closed && !owned.destroyed) await owned.close();
    },
  };
}

function toSourceIssue(entry: ManifestToolEntry, problem: EntryProblem): SourceIssue {
  return {
    file: entry.source.file,
    ...(entry.source.line !== undefined ? { line: entry.source.line } : {}),
    ...(entry.source.column !== undefined ? { column: entry.source.column } : {}),
    path: formatPath(problem.path),
    message: problem.message,
    ...(problem.hint ? { hint: problem.hint } : {}),
  };
}

/** `${VAR}` in the endpoint, read from the manifests' environment (what `manifest_env` allows). */
function resolveEndpoint(read: HttpToolEntry, options: HttpToolKindOptions): { text: string; url: URL } | EntryProblem {
  let text: string;
  try {
    text = interpolate(read.endpoint, options.env);
  } catch (error) {
    if (error instanceof PlaceholderError) return { path: read.endpointPath, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
    throw error;
  }
  let url: URL;
  try {
    // `{param}` stands for one path segment; any text will do to check the rest.
    url = new URL(text.replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, 'x'));
  } catch {
    return {
      path: read.endpointPath,
      message: `${JSON.stringify(text)} is not an absolute URL`,
      hint: 'write the whole URL, e.g. https://api.example.com/search',
    };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*\{/.test(text)) {
    return { path: read.endpointPath, message: 'a {parameter} may stand only in the path, not in the host' };
  }
  return { text, url };
}

function refuseUrl(url: URL, read: HttpToolEntry, hosts: HostAllowList, config: HttpToolsConfig): EntryProblem | undefined {
  const path = read.endpointPath;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { path, message: `expected an http or https URL, got ${url.protocol.slice(0, -1)}:` };
  if (url.username !== '' || url.password !== '') return { path, message: 'a URL may not hold credentials', hint: 'use auth: {type: basic, username: ..., password: ${VAR}}' };
  if (!hosts.allows(url)) {
    return {
      path,
      message: `host ${url.host} is not in tools.http.allowed_hosts`,
      hint: `add "${url.hostname}"${url.port ? ` (or "${url.host}")` : ''} to tools.http.allowed_hosts in ossa.yaml if the gateway may call it`,
    };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url) && !config.allow_insecure_http) {
    return {
      path,
      message: `plain http to ${url.host} is refused: the model's arguments and the tool's credentials would cross the network unencrypted`,
      hint: 'use https, or set tools.http.allow_insecure_http: true',
    };
  }
  return undefined;
}

/** The `auth` of the entry as one header, its credentials resolved. */
function authHeader(
  read: HttpToolEntry,
  resolve: (ref: CredentialReference) => Secret | EntryProblem,
): { name: string; value: Secret } | EntryProblem | undefined {
  const auth = read.auth;
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'bearer': {
      const token = resolve(auth.token);
      return 'message' in token ? token : { name: 'authorization', value: derived(`Bearer ${token.reveal()}`, token) };
    }
    case 'api-key': {
      const key = resolve(auth.key);
      return 'message' in key ? key : { name: auth.header, value: key };
    }
    case 'basic': {
      const password = resolve(auth.password);
      if ('message' in password) return password;
      let username: string;
      if (typeof auth.username === 'string') {
        username = auth.username;
      } else {
        const secret = resolve(auth.username);
        if ('message' in secret) return secret;
        username = secret.reveal();
      }
      const encoded = Buffer.from(`${username}:${password.reveal()}`, 'utf8').toString('base64');
      return { name: 'authorization', value: derived(`Basic ${encoded}`, password) };
    }
    default:
      return auth satisfies never;
  }
}

/** A header value made from a secret is itself a secret (from the same origin). */
function derived(value: string, from: Secret): Secret {
  return new Secret(value, from.origin);
}

/** The gateway's secrets, then this tool's own (a server that echoes its Authorization header). */
function redactorOf(gatewaySecrets: SecretRedactor, own: readonly string[]): (text: string) => string {
  if (own.length === 0) return (text) => gatewaySecrets.redact(text);
  const mine = new KnownSecrets(own);
  return (text) => mine.redact(gatewaySecrets.redact(text));
}
