import path from 'node:path';
import { isRecord } from './config-problem.js';
import { byteSize } from './durations.js';

/** Keys whose value is a size (`"1mb"`); the normalized config holds bytes. */
const BYTE_SIZE_PATHS: readonly (readonly string[])[] = [
  ['server', 'body_limit'],
  ['cache', 'max_bytes'],
  ['security', 'audit', 'max_file_bytes'],
];

/** Keys whose value is a file or directory; the normalized config holds absolute paths. */
const FILE_PATHS: readonly (readonly string[])[] = [
  ['cache', 'path'],
  ['security', 'audit', 'path'],
  ['security', 'secrets', 'vault_dir'],
  ['security', 'secrets', 'decrypt_key_file'],
];

/**
 * After validation, in place: sizes (also `providers.*.max_response_bytes`) become byte counts, relative paths (`manifest_paths`
 * entries, `cache.path`, `security.audit.path`, `security.secrets.*`) become absolute against
 * `baseDir` (the config file's directory), `key_sha256` digests become lower case, and
 * `cache.scope` gets its default, which depends on another section (`client` when
 * `security.clients` is configured: tenants are isolated unless the operator chooses to
 * share; else `global`). Values that failed validation are left alone.
 */
export function normalizeValues(tree: Record<string, unknown>, baseDir: string): void {
  const cache = tree['cache'];
  const clients = isRecord(tree['security']) ? tree['security']['clients'] : undefined;
  if (isRecord(cache) && cache['scope'] === undefined) cache['scope'] = Array.isArray(clients) && clients.length > 0 ? 'client' : 'global';
  const bytes = (value: unknown): unknown => (typeof value === 'string' ? (byteSize(value) ?? value) : value);
  for (const keys of BYTE_SIZE_PATHS) update(tree, keys, bytes);
  if (isRecord(tree['providers'])) {
    for (const provider of Object.keys(tree['providers'])) update(tree, ['providers', provider, 'max_response_bytes'], bytes);
  }
  const absolute = (value: unknown): unknown => (typeof value === 'string' ? path.resolve(baseDir, value) : value);
  for (const keys of FILE_PATHS) update(tree, keys, absolute);
  update(tree, ['manifest_paths'], (value) => (Array.isArray(value) ? value.map(absolute) : value));
  update(tree, ['security', 'clients'], (clients) => {
    if (!Array.isArray(clients)) return clients;
    for (const client of clients) {
      if (isRecord(client) && typeof client['key_sha256'] === 'string') client['key_sha256'] = client['key_sha256'].toLowerCase();
    }
    return clients;
  });
}

function update(tree: Record<string, unknown>, keys: readonly string[], change: (value: unknown) => unknown): void {
  let node: unknown = tree;
  for (const key of keys.slice(0, -1)) node = isRecord(node) ? node[key] : undefined;
  const last = keys[keys.length - 1]!;
  if (isRecord(node) && node[last] !== undefined) node[last] = change(node[last]);
}
