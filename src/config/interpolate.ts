/**
 * `${VAR}` and `${VAR:-default}` placeholders, as in shells and docker-compose: `:-` uses the
 * default when the variable is unset *or empty*. `$${` writes a literal `${`.
 */
const PLACEHOLDER = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-((?:[^}\\]|\\.)*))?\}/g;

export type Environment = Readonly<Record<string, string | undefined>>;

/** Where an environment keeps the rule that may refuse a variable (see `GuardedEnvironment`). */
export const VARIABLE_GUARD: unique symbol = Symbol('ossa-gateway variable guard');

/** Says why `name` may not be read here (refused), or `undefined` (allowed). */
export type VariableGuard = (name: string) => { readonly reason: string; readonly hint?: string } | undefined;

/**
 * An environment that refuses some variables: `interpolate` throws a `ForbiddenVariableError`
 * for them, default or not (a manifest may read only what `manifest_env` allows). Passed
 * wherever an `Environment` goes, so the code in between needs no change.
 */
export type GuardedEnvironment = Environment & { readonly [VARIABLE_GUARD]?: VariableGuard };

/** A placeholder that cannot be replaced; the message names the variable, never a value. */
export class PlaceholderError extends Error {
  constructor(
    readonly variable: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export class UnsetVariableError extends PlaceholderError {
  override readonly name = 'UnsetVariableError';
  constructor(variable: string) {
    super(variable, `environment variable ${variable} is not set and the placeholder has no default (write \${${variable}:-default})`);
  }
}

/** The environment's guard refused the variable. */
export class ForbiddenVariableError extends PlaceholderError {
  override readonly name = 'ForbiddenVariableError';
  constructor(variable: string, reason: string, hint?: string) {
    super(variable, `\${${variable}} may not be read here: ${reason}`, hint);
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

/**
 * Replaces every placeholder; throws `UnsetVariableError` for an unset variable without
 * default, and `ForbiddenVariableError` for one the environment's guard refuses.
 */
export function interpolate(value: string, env: GuardedEnvironment): string {
  const guard = env[VARIABLE_GUARD];
  return value.replace(PLACEHOLDER, (whole, name: string | undefined, fallback: string | undefined) => {
    if (whole === '$${') return '${';
    const refused = guard?.(name as string);
    if (refused) throw new ForbiddenVariableError(name as string, refused.reason, refused.hint);
    const current = env[name as string];
    if (fallback !== undefined) {
      return current === undefined || current === '' ? fallback.replace(/\\(.)/g, '$1') : current;
    }
    if (current === undefined) throw new UnsetVariableError(name as string);
    return current;
  });
}
