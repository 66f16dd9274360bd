import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret value that will not print itself: `String(secret)`, `JSON.stringify`, template
 * strings, `console.log` and pino all see `[redacted]`. Only `reveal()` gives the value, and
 * only the adapter that puts it on the wire calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(
    value: string,
    /** Where it came from, safe to log: `env:ANTHROPIC_API_KEY`, `file:/run/secrets/x`, `vault:NAME`, `literal`. */
    readonly origin: string,
  ) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${this.origin}, ${REDACTED})`;
  }

  get [Symbol.toStringTag](): string {
    return 'Secret';
  }
}
