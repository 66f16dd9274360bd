import { hash } from 'node:crypto';

/**
 * The shortest client key, admin key or metrics token accepted in prod: 32 characters, what
 * 24 random bytes make in base64 (`secrets:new-key` prints 43). Shorter keys start in dev,
 * with a warning.
 */
export const MIN_KEY_LENGTH = 32;

/** Fewer distinct characters than this in a key of any length (`aaaa...`, `abababab...`): weak. */
const MIN_DISTINCT_CHARACTERS = 8;

/**
 * Defaults and placeholders seen in sample configs, compared without case or punctuation: a
 * key that is one of them, or (for the longer ones) contains one, is weak however long it is.
 */
const WELL_KNOWN = [
  'admin', 'administrator', 'root', 'guest', 'demo', 'test', 'testing', 'token', 'key', 'apikey', 'secret', 'default',
  'password', 'passwd', 'letmein', 'welcome', 'qwerty', 'changeit', 'changeme', 'replaceme', 'placeholder', 'example',
  'sample', 'dummy', 'foobar', 'yourkey', 'yourapikey', 'yoursecret', 'yourtoken', 'secretkey', 'mysecret', 'insertkeyhere',
  '123456', '12345678', '1234567890', 'abc123', 'xxxxxx',
];

/** Words long enough that a random key all but never contains one (a few in a billion for 43 base64url characters). */
const PLACEHOLDER_WORDS = WELL_KNOWN.filter((word) => word.length >= 7);

/**
 * Why `key` is too weak to guard a gateway, or undefined when it is not: shorter than
 * `MIN_KEY_LENGTH`, a well-known default or placeholder (`admin`, `changeme`,
 * `your-api-key-here...`), or too few distinct characters. The reason never quotes the key.
 */
export function keyWeakness(key: string): string | undefined {
  const folded = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (WELL_KNOWN.includes(folded) || PLACEHOLDER_WORDS.some((word) => folded.includes(word))) return 'is a well-known default or placeholder';
  if (key.length < MIN_KEY_LENGTH) return `is ${key.length} character${key.length === 1 ? '' : 's'} long; at least ${MIN_KEY_LENGTH} are needed`;
  const distinct = new Set(key).size;
  if (distinct < MIN_DISTINCT_CHARACTERS) return `has only ${distinct} distinct characters`;
  return undefined;
}

let weakDigests: ReadonlySet<string> | undefined;

/**
 * True when `hex` (a `key_sha256`) is the SHA-256 of a well-known weak key: a default, a
 * placeholder or a single character, as written, lower or upper case or capitalized. A digest
 * hides the key's length, so this is the only check a digest can get.
 */
export function isWellKnownDigest(hex: string): boolean {
  weakDigests ??= new Set(weakCandidates().map((key) => hash('sha256', key, 'hex')));
  return weakDigests.has(hex.toLowerCase());
}

function weakCandidates(): string[] {
  const singles = [...'abcdefghijklmnopqrstuvwxyz0123456789'];
  const words = [...WELL_KNOWN, 'api-key', 'api_key', 'secret-key', 'change-me', 'change_me', 'your-api-key', 'your_api_key'];
  return [...singles, ...words.flatMap((word) => [word, word.toUpperCase(), word[0]!.toUpperCase() + word.slice(1)])];
}
