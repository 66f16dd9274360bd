/**
 * `${VAR}` and `${VAR:-default}` placeholders, as in shells and docker-compose: `:-` uses the
 * default when the variable is unset *or empty*. `$${` writes a literal `${`.
 */
const PLACEHOLDER = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-((?:[^}\\]|\\.)*))?\}/g;

export type Environment = Readonly<Record<string, string | undefined>>;

export class UnsetVariableError extends Error {
  override readonly name = 'UnsetVariableError';
  constructor(readonly variable: string) {
    super(`environment variable ${variable} is not set and the placeholder has no default (write \${${variable}:-default})`);
  }
}

export function hasPlaceholder(value: string): boolean {
  return value.includes('${');
}

/** True when the whole string is one placeholder, so the result may be typed (a number, a boolean). */
export function isWholePlaceholder(value: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  const match = PLACEHOLDER.exec(value);
  return match !== null && match.index === 0 && match[0].length === value.length && match[0] !== '$${';
}

/** Replaces every placeholder; throws `UnsetVariableError` for an unset variable without default. */
export function interpolate(value: string, env: Environment): string {
  return value.replace(PLACEHOLDER, (whole, name: string | undefined, fallback: string | undefined) => {
    if (whole === '$${') return '${';
    const current = env[name as string];
    if (fallback !== undefined) {
      return current === undefined || current === '' ? fallback.replace(/\\(.)/g, '$1') : current;
    }
    if (current === undefined) throw new UnsetVariableError(name as string);
    return current;
  });
}
