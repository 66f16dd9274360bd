import type { KeyPath } from '../../config/yaml-source.js';
import { isRecord, type JsonRecord } from '../../agents/manifest-values.js';
import type { JsonSchema } from '../../providers/provider.js';

/** The methods an http tool may use. */
export type HttpToolMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS: readonly HttpToolMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** A secret as the manifest names it (`${VAR}`, `VAR`, `file:`, `vault:`), and where. */
export interface CredentialReference {
  readonly reference: string;
  readonly path: KeyPath;
}

/** `auth`, as the OSSA versions of the corpus write it. */
export type HttpToolAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: CredentialReference }
  | { readonly kind: 'api-key'; readonly header: string; readonly key: CredentialReference }
  | { readonly kind: 'basic'; readonly username: string | CredentialReference; readonly password: CredentialReference };

/** One `type: http` / `api` entry of `spec.tools`, read but not yet checked against the config. */
export interface HttpToolEntry {
  readonly name: string;
  readonly description?: string;
  readonly parameters: JsonSchema;
  /** As written, `${VAR}` and `{param}` placeholders included. */
  readonly endpoint: string;
  readonly endpointPath: KeyPath;
  readonly method: HttpToolMethod;
  /** Headers written as plain text. */
  readonly headers: Readonly<Record<string, string>>;
  /** Headers whose value is a reference (`${TOKEN}`), resolved like credentials. */
  readonly secretHeaders: readonly (CredentialReference & { readonly name: string })[];
  readonly auth: HttpToolAuth;
  readonly timeoutSeconds?: number;
  readonly readOnly: boolean;
}

/** What is wrong with an entry, at a key path under `spec.tools[i]`. */
export interface EntryProblem {
  readonly path: KeyPath;
  readonly message: string;
  readonly hint?: string;
}

/** The names every provider accepts for a tool (OpenAI's rule is the narrowest). */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Set by undici from the request itself, or hop-by-hop: a manifest may not write them. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Reads the fields of an http tool across OSSA versions: `endpoint` (or `url`, `config.endpoint`,
 * `config.url`, `config.base_url`), `method` (or `config.method`; default POST), `headers` (or
 * `config.headers`), `auth` (`type: bearer | token | apikey | api_key | api-key | basic | none`
 * with `credentials`, `token`, `token_ref`, `tokenPath`, `key`, `username` / `password`, or a
 * top-level `credentials_ref`), the input schema (`input_schema`, `inputSchema`, `parameters`:
 * a JSON Schema, or a map of parameter schemas as v0.3 manifests write it), and the timeout
 * (`timeout_seconds`, `config.timeout`). `at` is the entry's path (`['spec', 'tools', 3]`).
 */
export function readHttpToolEntry(raw: Readonly<JsonRecord>, at: KeyPath): HttpToolEntry | EntryProblem {
  const config = isRecord(raw['config']) ? raw['config'] : {};
  const name = raw['name'];
  if (typeof name !== 'string' || name.trim() === '') return { path: [...at, 'name'], message: 'an http tool needs a name: the model calls it by that name' };
  if (!TOOL_NAME.test(name)) {
    return { path: [...at, 'name'], message: `tool name ${JSON.stringify(name)} is not accepted by model APIs`, hint: 'use letters, digits, _ and - (at most 64)' };
  }

  const endpointField = firstPresent([
    [raw, 'endpoint', [...at, 'endpoint']],
    [raw, 'url', [...at, 'url']],
    [config, 'endpoint', [...at, 'config', 'endpoint']],
    [config, 'url', [...at, 'config', 'url']],
    [config, 'base_url', [...at, 'config', 'base_url']],
  ]);
  if (!endpointField) {
    return { path: [...at, 'endpoint'], message: `http tool "${name}" has no endpoint: the gateway cannot call it`, hint: 'add endpoint: https://host/path' };
  }
  if (typeof endpointField.value !== 'string' || endpointField.value.trim() === '') {
    return { path: endpointField.path, message: 'expected the URL of the endpoint' };
  }

  const methodField = firstPresent([
    [raw, 'method', [...at, 'method']],
    [config, 'method', [...at, 'config', 'method']],
  ]);
  let method: HttpToolMethod = 'POST';
  if (methodField) {
    const upper = typeof methodField.value === 'string' ? methodField.value.toUpperCase() : undefined;
    if (!METHODS.includes(upper as HttpToolMethod)) return { path: methodField.path, message: `expected one of ${METHODS.join(', ')}, got ${JSON.stringify(methodField.value)}` };
    method = upper as HttpToolMethod;
  }

  const headerField = firstPresent([
    [raw, 'headers', [...at, 'headers']],
    [config, 'headers', [...at, 'config', 'headers']],
  ]);
  const headers: Record<string, string> = {};
  const secretHeaders: (CredentialReference & { name: string })[] = [];
  if (headerField) {
    if (!isRecord(headerField.value)) return { path: headerField.path, message: 'expected a mapping of header names to values' };
    for (const [header, value] of Object.entries(headerField.value)) {
      const path = [...headerField.path, header];
      if (!HEADER_NAME.test(header)) return { path, message: `${JSON.stringify(header)} is not a header name` };
      if (RESERVED_HEADERS.has(header.toLowerCase())) return { path, message: `${header} is set by the gateway from the request itself` };
      if (typeof value !== 'string' && typeof value !== 'number') return { path, message: 'expected a header value (text)' };
      const text = String(value);
      if (/[\r\n]/.test(text)) return { path, message: 'a header value may not hold a line break' };
      if (text.includes('${') || text.startsWith('file:') || text.startsWith('vault:')) secretHeaders.push({ name: header, reference: text, path });
      else headers[header] = text;
    }
  }

  const auth = readAuth(raw, at);
  if ('message' in auth) return auth;

  const timeoutField = firstPresent([
    [raw, 'timeout_seconds', [...at, 'timeout_seconds']],
    [config, 'timeout_seconds', [...at, 'config', 'timeout_seconds']],
    [config, 'timeout', [...at, 'config', 'timeout']],
  ]);
  if (timeoutField && (typeof timeoutField.value !== 'number' || !(timeoutField.value > 0))) {
    return { path: timeoutField.path, message: `expected a number of seconds above 0, got ${JSON.stringify(timeoutField.value)}` };
  }

  const parameters = readParameters(raw, at);
  if ('message' in parameters) return parameters;

  const description = typeof raw['description'] === 'string' ? raw['description'].trim() : undefined;
  return {
    name,
    ...(description ? { description } : {}),
    parameters: withPathParameters(parameters.schema, endpointField.value),
    endpoint: endpointField.value.trim(),
    endpointPath: endpointField.path,
    method,
    headers,
    secretHeaders,
    auth,
    ...(timeoutField ? { timeoutSeconds: timeoutField.value as number } : {}),
    // GET is safe by HTTP's own rules; `operation: read` / `read_only: true` is the manifest's word.
    readOnly: method === 'GET' || raw['operation'] === 'read' || raw['read_only'] === true,
  };
}

type Field = [holder: Readonly<JsonRecord>, key: string, path: KeyPath];

function firstPresent(fields: readonly Field[]): { value: unknown; path: KeyPath } | undefined {
  for (const [holder, key, path] of fields) {
    const value = holder[key];
    if (value !== undefined && value !== null) return { value, path };
  }
  return undefined;
}

const AUTH_KINDS: Record<string, HttpToolAuth['kind']> = {
  none: 'none',
  bearer: 'bearer',
  token: 'bearer',
  apikey: 'api-key',
  api_key: 'api-key',
  'api-key': 'api-key',
  basic: 'basic',
};

function readAuth(raw: Readonly<JsonRecord>, at: KeyPath): HttpToolAuth | EntryProblem {
  const auth = raw['auth'];
  const topLevelRef = raw['credentials_ref'];
  const authPath = [...at, 'auth'];
  if (auth === undefined || auth === null) {
    if (typeof topLevelRef === 'string') return { kind: 'bearer', token: { reference: topLevelRef, path: [...at, 'credentials_ref'] } };
    return { kind: 'none' };
  }
  if (!isRecord(auth)) return { path: authPath, message: 'expected a mapping such as {type: bearer, credentials: ${TOKEN}}' };
  const type = typeof auth['type'] === 'string' ? auth['type'].toLowerCase() : 'bearer';
  const kind = AUTH_KINDS[type];
  if (!kind) {
    return { path: [...authPath, 'type'], message: `auth type ${JSON.stringify(auth['type'])} is not supported for http tools`, hint: 'use bearer, apikey, basic or none' };
  }
  if (kind === 'none') return { kind };

  const credential = (keys: readonly string[]): CredentialReference | EntryProblem | undefined => {
    for (const key of keys) {
      const value = auth[key];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string' || value.trim() === '') return { path: [...authPath, key], message: 'expected a reference to a secret (${VAR}, VAR, file:/path or vault:NAME)' };
      // `tokenPath: /var/secrets/x` names a file.
      return { reference: key === 'tokenPath' || key === 'token_path' ? `file:${value}` : value, path: [...authPath, key] };
    }
    if (typeof topLevelRef === 'string') return { reference: topLevelRef, path: [...at, 'credentials_ref'] };
    return undefined;
  };
  const missing = (what: string, keys: readonly string[]): EntryProblem => ({
    path: [...authPath, keys[0]!],
    message: `auth type ${type} needs ${what}`,
    hint: `add ${keys[0]}: \${VARIABLE} (or file:/path, vault:NAME)`,
  });

  if (kind === 'bearer') {
    const keys = ['credentials', 'token', 'token_ref', 'tokenPath', 'token_path', 'credentials_ref'];
    const token = credential(keys);
    if (!token) return missing('a token', keys);
    return 'message' in token ? token : { kind, token };
  }
  if (kind === 'api-key') {
    if (auth['in'] !== undefined && auth['in'] !== 'header') {
      return { path: [...authPath, 'in'], message: 'an api key is sent in a header only', hint: 'keys in a query string end up in access logs' };
    }
    const headerValue = auth['header'] ?? auth['header_name'] ?? auth['name'] ?? 'X-API-Key';
    if (typeof headerValue !== 'string' || !HEADER_NAME.test(headerValue) || RESERVED_HEADERS.has(headerValue.toLowerCase())) {
      return { path: [...authPath, 'header'], message: `expected a header name, got ${JSON.stringify(headerValue)}` };
    }
    const keys = ['credentials', 'key', 'api_key', 'token', 'credentials_ref'];
    const key = credential(keys);
    if (!key) return missing('a key', keys);
    return 'message' in key ? key : { kind, header: headerValue, key };
  }
  const password = credential(['password', 'credentials']);
  if (!password) return missing('a password', ['password']);
  if ('message' in password) return password;
  const username = auth['username'] ?? auth['user'];
  if (typeof username !== 'string' || username === '') return { path: [...authPath, 'username'], message: 'auth type basic needs a username' };
  const isReference = username.includes('${') || username.startsWith('file:') || username.startsWith('vault:');
  return { kind, username: isReference ? { reference: username, path: [...authPath, 'username'] } : username, password };
}

function readParameters(raw: Readonly<JsonRecord>, at: KeyPath): { schema: JsonRecord } | EntryProblem {
  for (const key of ['input_schema', 'inputSchema', 'parameters']) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    if (!isRecord(value)) return { path: [...at, key], message: 'expected a JSON Schema of type "object"' };
    if (value['type'] === 'object' || isRecord(value['properties'])) {
      return { schema: value['type'] === undefined ? { type: 'object', ...value } : value };
    }
    if (typeof value['type'] === 'string') return { path: [...at, key, 'type'], message: `expected a JSON Schema of type "object", got type ${JSON.stringify(value['type'])}` };
    // v0.3 manifests list the parameters themselves: `{content: {type: string}, ...}`.
    const properties: JsonRecord = {};
    const required: string[] = [];
    for (const [name, schema] of Object.entries(value)) {
      if (!isRecord(schema)) return { path: [...at, key, name], message: 'expected the JSON Schema of this parameter' };
      const { required: isRequired, ...rest } = schema;
      if (isRequired === true) required.push(name);
      properties[name] = rest;
    }
    return { schema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}) } };
  }
  // No schema: the model may send any object (the endpoint decides what it accepts).
  return { schema: { type: 'object', properties: {} } };
}

/** `{param}` placeholders of the endpoint's path, in order. */
export function pathParameters(endpoint: string): string[] {
  return [...endpoint.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1]!);
}

/** Every `{param}` of the endpoint is a required string-or-number property of the schema. */
function withPathParameters(schema: JsonRecord, endpoint: string): JsonSchema {
  const names = pathParameters(endpoint);
  if (names.length === 0) return schema;
  const properties = isRecord(schema['properties']) ? { ...schema['properties'] } : {};
  for (const name of names) properties[name] ??= { type: ['string', 'number'] };
  const required = Array.isArray(schema['required']) ? schema['required'].filter((item): item is string => typeof item === 'string') : [];
  return { ...schema, properties, required: [...new Set([...required, ...names])] };
}
