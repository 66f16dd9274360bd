import { SecretScanner, type StreamRedactor } from './secret-scanner.js';

/**
 * Redaction of the gateway's own secrets, for whatever crosses in from outside: an upstream's
 * answer (`SecretRedactingProvider`), and a tool's result or an MCP server's answer once tools
 * run on our side. Every method is one pass over the text, whatever the number of secrets.
 */
export interface SecretRedactor {
  /** `text` with every known secret replaced by `[redacted]` (the same string when none is found). */
  redact(text: string): string;
  /** Every string in a JSON-like value (keys too) redacted; the value itself when nothing changed. */
  redactValue<T>(value: T): T;
  /** For a text that arrives in pieces: a held-back tail, flushed at the end (see `StreamRedactor`). */
  stream(): StreamRedactor;
  /** True when `text` holds a known secret. */
  contains(text: string): boolean;
}

/**
 * Every secret this gateway holds (provider, client and admin keys, the metrics token, the
 * vault's private key and values, `file:` secrets), compiled into one `SecretScanner`. `add()`
 * (SIGHUP) compiles a new scanner and swaps it in whole; keys that were rotated out stay known,
 * since they may still be valid at the upstream or in someone's hands.
 *
 * @example
 * const secrets = new KnownSecrets(collectConfigSecrets(config, env, vault).values);
 * const safe = secrets.redact(toolResult);
 */
export class KnownSecrets implements SecretRedactor {
  readonly #values = new Set<string>();
  #scanner: SecretScanner;

  constructor(values: Iterable<string> = []) {
    for (const value of values) this.#values.add(value);
    this.#scanner = SecretScanner.build(this.#values);
  }

  /** Distinct secrets searched for (those long enough to search for, case-folded). */
  get size(): number {
    return this.#scanner.size;
  }

  /** Learns more secrets (a rotated key); a no-op when all of them are known already. */
  add(values: Iterable<string>): void {
    const before = this.#values.size;
    for (const value of values) this.#values.add(value);
    if (this.#values.size !== before) this.#scanner = SecretScanner.build(this.#values);
  }

  redact(text: string): string {
    return this.#scanner.redact(text);
  }

  redactValue<T>(value: T): T {
    return redactDeep(value, this.#scanner, 0) as T;
  }

  stream(): StreamRedactor {
    return this.#scanner.stream();
  }

  contains(text: string): boolean {
    return this.#scanner.contains(text);
  }
}

/** A redactor that knows no secret: for tests and for code built without a gateway. */
export const NO_SECRETS: SecretRedactor = new KnownSecrets();

/** Past this depth a value is returned as it is (tool results are bounded long before). */
const MAX_DEPTH = 64;

function redactDeep(value: unknown, scanner: SecretScanner, depth: number): unknown {
  if (typeof value === 'string') return scanner.redact(value);
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const redacted = redactDeep(item, scanner, depth + 1);
      if (redacted !== item) (copy ??= [...value])[i] = redacted;
    });
    return copy ?? value;
  }
  let changed = false;
  const entries = Object.entries(value).map(([key, item]) => {
    const redactedKey = scanner.redact(key);
    const redacted = redactDeep(item, scanner, depth + 1);
    if (redactedKey !== key || redacted !== item) changed = true;
    return [redactedKey, redacted] as const;
  });
  return changed ? Object.fromEntries(entries) : value;
}
