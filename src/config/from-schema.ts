/*
 * The TypeScript type a JSON Schema of `config-schema.ts` describes, computed by the compiler
 * from the schema's own `const` type: the schema is the one source of `OssaConfig`, so a key
 * added to it is in the type, and a default that does not fit its schema fails `tsc`.
 *
 * The mapping covers what the config schema uses, and describes the config as the gateway
 * reads it after validation, defaults and `normalizeValues`:
 *
 *   { enum: [...] }                      the union of the values
 *   { format: 'byte-size' }              number (sizes are normalized to bytes)
 *   { type: 'object', properties }       an object: a key is present when it has a `default`,
 *                                        is `required`, or is marked `prefilled`; else optional
 *   { type: 'object', additionalProperties: S }   Record<string, FromSchema<S>>
 *   { type: 'array', items: S }          FromSchema<S>[]
 *   { type: [..., 'array'], items: S }   the primitives listed, or FromSchema<S>[]
 *   { type: 'string' | 'number' | 'integer' | 'boolean' } (or a list of them)  the primitives
 */

/**
 * The marker of a key the schema leaves optional but every valid config has: filled in
 * before validation, or required by a cross-check that explains its absence better than the
 * schema would (`providers.<name>.type`). It exists in the type only (see `prefilled`).
 */
declare const PREFILLED: unique symbol;

/** A schema whose key is present in every valid config (type-level marker, see `PREFILLED`). */
export type Prefilled = { readonly [PREFILLED]: true };

/** The value a config schema describes, after validation and normalization. */
export type FromSchema<S> =
  S extends { readonly enum: readonly (infer E)[] } ? E
  : S extends { readonly format: 'byte-size' } ? number
  : S extends { readonly type: 'object' } ? ObjectOf<S>
  : S extends { readonly type: 'array'; readonly items: infer I } ? FromSchema<I>[]
  // A list of types with 'array' among them (`trust_proxy`: false, a hop count, or addresses).
  : S extends { readonly type: readonly (infer T)[]; readonly items: infer I } ? PrimitiveOf<Exclude<T, 'array'>> | ('array' extends T ? FromSchema<I>[] : never)
  : S extends { readonly type: infer T } ? PrimitiveOf<T>
  : unknown;

type PrimitiveOf<T> =
  T extends readonly (infer U)[] ? PrimitiveOf<U>
  : T extends 'string' ? string
  : T extends 'number' | 'integer' ? number
  : T extends 'boolean' ? boolean
  : T extends 'null' ? null
  : unknown;

type ObjectOf<S> =
  S extends { readonly properties: infer P } ? PropertiesOf<P, RequiredKeys<S>>
  : S extends { readonly additionalProperties: infer A extends object } ? Record<string, FromSchema<A>>
  : Record<string, unknown>;

type RequiredKeys<S> = S extends { readonly required: readonly (infer K)[] } ? K : never;

/** A key of this schema is always present: it has a default, or is marked `prefilled`. */
type Present = { readonly default: unknown } | Prefilled;

type PropertiesOf<P, R> = Simplify<
  { -readonly [K in keyof P as K extends R ? K : P[K] extends Present ? K : never]: FromSchema<P[K]> } & {
    -readonly [K in keyof P as K extends R ? never : P[K] extends Present ? never : K]?: FromSchema<P[K]>;
  }
>;

/** One object type instead of an intersection, for readable hovers and messages. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};
