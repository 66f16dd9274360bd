import type { JsonSchema } from '../provider.js';

/** Nesting followed into a schema; deeper (or recursive `$ref`) parts become `null`. */
const MAX_DEPTH = 12;

/** Example strings for the `format`s JSON Schema defines, so a generated value passes a validator that checks formats. */
const FORMAT_EXAMPLES: Readonly<Record<string, string>> = {
  'date-time': '1970-01-01T00:00:00Z',
  date: '1970-01-01',
  time: '00:00:00Z',
  duration: 'P1D',
  email: 'echo@example.com',
  'idn-email': 'echo@example.com',
  hostname: 'example.com',
  'idn-hostname': 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uri: 'https://example.com/echo',
  'uri-reference': 'https://example.com/echo',
  iri: 'https://example.com/echo',
  url: 'https://example.com/echo',
  uuid: '00000000-0000-4000-8000-000000000000',
};

type Schema = Readonly<Record<string, unknown>>;

/**
 * A value that satisfies a JSON Schema, the same one every time: `const`, else `default`,
 * else the first `enum` value, else one built from `type` (`anyOf` / `oneOf`: the first
 * branch; `allOf`: the branches merged; local `$ref`s followed). Objects get their required
 * properties, and the optional ones that have a default; strings are `"echo"` (or an example
 * of their `format`, padded to `minLength`; or the shortest string a simple `pattern` matches),
 * numbers their `minimum` (or 0), arrays `minItems` items. A schema this cannot satisfy (a
 * pattern beyond classes, groups and quantifiers, `not`) gets its best guess.
 *
 * @example
 * exampleFromSchema({ type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['c', 'f'] } }, required: ['city', 'unit'] });
 * // { city: 'echo', unit: 'c' }
 */
export function exampleFromSchema(schema: JsonSchema): unknown {
  return example(schema, schema, 0);
}

function example(schema: unknown, root: Schema, depth: number): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema) || depth > MAX_DEPTH) return null;
  const s = schema as Schema;
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (typeof s.$ref === 'string') return example(resolveRef(s.$ref, root), root, depth + 1);
  const branches = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (branches !== undefined && branches.length > 0) return example(preferNonNull(branches), root, depth + 1);
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return example(mergeAll(s, s.allOf), root, depth + 1);
  switch (schemaType(s)) {
    case 'object':
      return objectExample(s, root, depth);
    case 'array': {
      // A tuple (`prefixItems`) gets one item per position; a list `minItems` items.
      if (Array.isArray(s.prefixItems)) return s.prefixItems.map((entry: unknown) => example(entry, root, depth + 1));
      const count = typeof s.minItems === 'number' ? Math.min(s.minItems, 16) : 0;
      return Array.from({ length: count }, () => example(s.items ?? {}, root, depth + 1));
    }
    case 'string':
      return stringExample(s);
    case 'integer':
      return numberExample(s, true);
    case 'number':
      return numberExample(s, false);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return typeof s.properties === 'object' ? objectExample(s, root, depth) : null;
  }
}

function schemaType(s: Schema): string | undefined {
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return (s.type.find((type) => type !== 'null') ?? s.type[0]) as string | undefined;
  return undefined;
}

function objectExample(s: Schema, root: Schema, depth: number): Record<string, unknown> {
  const properties = typeof s.properties === 'object' && s.properties !== null ? (s.properties as Record<string, unknown>) : {};
  const required = new Set(Array.isArray(s.required) ? s.required.filter((key): key is string => typeof key === 'string') : []);
  const value: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    const hasDefault = typeof property === 'object' && property !== null && 'default' in property;
    if (required.has(key) || hasDefault) value[key] = example(property, root, depth + 1);
  }
  // Required keys without a property schema still have to be there.
  for (const key of required) if (!(key in value)) value[key] = 'echo';
  return value;
}

function stringExample(s: Schema): string {
  const matching = typeof s.pattern === 'string' ? patternExample(s.pattern) : undefined;
  if (matching !== undefined) return matching;
  const base = (typeof s.format === 'string' ? FORMAT_EXAMPLES[s.format] : undefined) ?? 'echo';
  const min = typeof s.minLength === 'number' ? Math.min(s.minLength, 1024) : 0;
  const padded = base.length >= min ? base : base.padEnd(min, 'o');
  return typeof s.maxLength === 'number' && padded.length > s.maxLength ? padded.slice(0, Math.max(0, s.maxLength)) : padded;
}

function numberExample(s: Schema, integer: boolean): number {
  let value = 0;
  if (typeof s.minimum === 'number') value = s.minimum;
  else if (typeof s.exclusiveMinimum === 'number') value = s.exclusiveMinimum + 1;
  else if (typeof s.maximum === 'number' && s.maximum < 0) value = s.maximum;
  else if (typeof s.exclusiveMaximum === 'number' && s.exclusiveMaximum <= 0) value = s.exclusiveMaximum - 1;
  if (integer) value = Math.ceil(value);
  if (typeof s.multipleOf === 'number' && s.multipleOf > 0) value = Math.ceil(value / s.multipleOf) * s.multipleOf;
  return value;
}

/** `#`, `#/$defs/x`, `#/definitions/x`, `#/properties/a/...`: a JSON pointer into the root. */
function resolveRef(ref: string, root: Schema): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function preferNonNull(branches: readonly unknown[]): unknown {
  return branches.find((branch) => !(typeof branch === 'object' && branch !== null && (branch as Schema).type === 'null')) ?? branches[0];
}

/** The schema without `allOf`, its branches' properties, required keys and other keywords merged in. */
function mergeAll(s: Schema, branches: readonly unknown[]): Schema {
  const { allOf: _allOf, ...rest } = s;
  const merged: Record<string, unknown> = { ...rest };
  for (const branch of branches) {
    if (typeof branch !== 'object' || branch === null) continue;
    const b = branch as Schema;
    for (const [key, value] of Object.entries(b)) {
      if (key === 'properties') merged.properties = { ...(merged.properties as object | undefined), ...(value as object) };
      else if (key === 'required') merged.required = [...((merged.required as unknown[] | undefined) ?? []), ...(value as unknown[])];
      else if (!(key in merged)) merged[key] = value;
    }
  }
  return merged;
}

/**
 * The shortest string a simple pattern matches (literals, escapes, classes, groups, the first
 * alternative, the fewest repetitions), checked against the pattern itself; `undefined` when
 * the guess does not match (lookarounds, backreferences, negated classes that exclude it).
 */
export function patternExample(pattern: string): string | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  const guess = new PatternWalker(pattern).sequence();
  return regex.test(guess) ? guess : undefined;
}

/** A tiny recursive reader of a pattern that writes one string it should match. */
class PatternWalker {
  #at = 0;
  readonly #pattern: string;

  constructor(pattern: string) {
    this.#pattern = pattern;
  }

  /** Alternatives up to `)` or the end; the first one's string. */
  sequence(): string {
    let out = '';
    let first = true;
    while (this.#at < this.#pattern.length && this.#pattern[this.#at] !== ')') {
      if (this.#pattern[this.#at] === '|') {
        first = false;
        this.#at += 1;
        continue;
      }
      const atom = this.#atom();
      const times = this.#quantifier();
      if (first) out += atom.repeat(times);
    }
    return out;
  }

  #atom(): string {
    const char = this.#pattern[this.#at++]!;
    switch (char) {
      case '^':
      case '$':
        return '';
      case '.':
        return 'a';
      case '\\':
        return this.#escape(this.#pattern[this.#at++] ?? '');
      case '[':
        return this.#charClass();
      case '(': {
        if (this.#pattern.startsWith('?:', this.#at)) this.#at += 2;
        else if (this.#pattern[this.#at] === '?') return this.#skipGroup();
        const inner = this.sequence();
        this.#at += 1; // ')'
        return inner;
      }
      default:
        return char;
    }
  }

  #escape(char: string): string {
    const classes: Record<string, string> = { d: '0', w: 'a', s: ' ', D: 'a', W: '-', S: 'a', b: '', B: '', n: '\n', t: '\t' };
    return classes[char] ?? char;
  }

  /** `[...]`: its first member (the start of a range); a negated class guesses `a`. */
  #charClass(): string {
    const negated = this.#pattern[this.#at] === '^';
    if (negated) this.#at += 1;
    let first: string | undefined;
    while (this.#at < this.#pattern.length && (this.#pattern[this.#at] !== ']' || first === undefined)) {
      let char = this.#pattern[this.#at++]!;
      if (char === '\\') char = this.#escape(this.#pattern[this.#at++] ?? '');
      first ??= char;
    }
    this.#at += 1; // ']'
    return negated ? 'a' : (first ?? '');
  }

  /** A lookaround or named group we do not model: skipped to its `)`. */
  #skipGroup(): string {
    let depth = 1;
    while (this.#at < this.#pattern.length && depth > 0) {
      const char = this.#pattern[this.#at++];
      if (char === '\\') this.#at += 1;
      else if (char === '(') depth += 1;
      else if (char === ')') depth -= 1;
    }
    return '';
  }

  /** How many times the atom before repeats: the fewest its quantifier allows. */
  #quantifier(): number {
    const char = this.#pattern[this.#at];
    let times = 1;
    if (char === '*' || char === '?') {
      times = 0;
      this.#at += 1;
    } else if (char === '+') this.#at += 1;
    else if (char === '{') {
      const match = /^\{(\d+)(,\d*)?\}/.exec(this.#pattern.slice(this.#at));
      if (match) {
        times = Math.min(Number(match[1]), 256);
        this.#at += match[0].length;
      }
    } else return 1;
    if (this.#pattern[this.#at] === '?') this.#at += 1; // lazy
    return times;
  }
}
