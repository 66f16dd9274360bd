import path from 'node:path';
import { isRecord } from './config-problem.js';
import { OSSA_CONFIG_SCHEMA } from './config-schema.js';
import { byteSize } from './durations.js';
import { schemaPaths, type SchemaPath } from './schema-paths.js';

/** Keys whose value is a size (`"1mb"`, `format: byte-size`); the normalized config holds bytes. */
const BYTE_SIZE_PATHS = schemaPaths(OSSA_CONFIG_SCHEMA, (schema) => schema['format'] === 'byte-size');

/** Keys whose value is a file or directory (`file: true`); the normalized config holds absolute paths. */
const FILE_PATHS = schemaPaths(OSSA_CONFIG_SCHEMA, (schema) => schema['file'] === true);

/**
 * After validation, in place: sizes become byte counts, relative paths (`manifest_paths`
 * entries, `cache.path`, `security.audit.path`, `security.secrets.*`: every key the schema
 * marks `file`) become absolute against `baseDir` (the config file's directory), `key_sha256`
 * digests become lower case, and `cache.scope` gets its default, which depends on another
 * section (`client` when `security.clients` is configured: tenants are isolated unless the
 * operator chooses to share; else `global`). Values that failed validation are left alone.
 */
export function normalizeValues(tree: Record<string, unknown>, baseDir: string): void {
  const cache = tree['cache'];
  const clients = isRecord(tree['security']) ? tree['security']['clients'] : undefined;
  if (isRecord(cache) && cache['scope'] === undefined) cache['scope'] = Array.isArray(clients) && clients.length > 0 ? 'client' : 'global';
  for (const keys of BYTE_SIZE_PATHS) {
    update(tree, keys, (value) => (typeof value === 'string' ? (byteSize(value) ?? value) : value));
  }
  for (const keys of FILE_PATHS) update(tree, keys, (value) => (typeof value === 'string' ? path.resolve(baseDir, value) : value));
  update(tree, ['security', 'clients', '*', 'key_sha256'], (digest) => (typeof digest === 'string' ? digest.toLowerCase() : digest));
}

/** Applies `change` to every value at `keys` (`*`: each entry of a map or an array) that is set. */
function update(node: unknown, keys: SchemaPath, change: (value: unknown) => unknown): void {
  const [key, ...rest] = keys;
  if (key === undefined) return;
  const container: Record<string, unknown> | unknown[] | undefined = Array.isArray(node) ? node : isRecord(node) ? node : undefined;
  if (!container) return;
  const slots = key === '*' ? Object.keys(container) : [key];
  for (const slot of slots) {
    const entries = container as Record<string, unknown>;
    if (entries[slot] === undefined) continue;
    if (rest.length === 0) entries[slot] = change(entries[slot]);
    else update(entries[slot], rest, change);
  }
}
