import { hash, randomBytes } from 'node:crypto';

/** Random bytes in a generated key: 256 bits, 43 base64url characters. */
const KEY_BYTES = 32;

/**
 * A strong key for a client, an admin or a metrics scraper: 32 random bytes as base64url (43
 * characters, no padding), well past `MIN_KEY_LENGTH`, safe in a header, a URL or YAML unquoted.
 *
 * @example
 * const key = generateApiKey(); // 'q3Nw...'
 */
export function generateApiKey(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

/** The `key_sha256` of a key: lower-case hexadecimal SHA-256, as `security.clients[].key_sha256` takes it. */
export function keyDigest(key: string): string {
  return hash('sha256', key, 'hex');
}
