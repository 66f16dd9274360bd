/** The serialised JSON around a body's per-request part: `head + <per-request JSON> + tail`. */
export interface BodyParts {
  readonly head: string;
  readonly tail: string;
}

interface Entry extends BodyParts {
  readonly settings: readonly unknown[];
}

/** Past this many distinct keys (system prompts with a per-request context, say) the memo starts over. */
const MAX_ENTRIES = 256;

/**
 * The constant part of an adapter's upstream body (model, system prompt, sampling settings,
 * tools), serialised once and reused while a call brings the same settings: each request then
 * serialises only its messages and splices them in (JSON.stringify of the whole body was the
 * largest share of an upstream call's own CPU). Settings are compared by identity (`===`): the
 * executor hands every call of a route the same tool, stop and format objects, and calls are
 * read-only, so equal identity means equal bytes; anything else is simply built again.
 *
 * @example
 * const parts = memo.parts(system, [call.model, call.maxTokens, call.tools], () => ({ head: '{"model":…,"messages":', tail: '}' }));
 * const json = parts.head + JSON.stringify(messages) + parts.tail;
 */
export class ConstantBodyParts {
  readonly #entries = new Map<string, Entry>();

  /** The parts for `key` with these `settings`, from `build` when they were not seen last time. */
  parts(key: string, settings: readonly unknown[], build: () => BodyParts): BodyParts {
    const known = this.#entries.get(key);
    if (known !== undefined && sameSettings(known.settings, settings)) return known;
    if (known === undefined && this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    const built = build();
    this.#entries.set(key, { head: built.head, tail: built.tail, settings });
    return built;
  }
}

function sameSettings(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `object` serialised without its closing brace's opener: `,"a":1}` for `{ a: 1 }`, `}` for
 * `{}`: what follows another field of the same object.
 */
export function jsonFieldsAfter(object: object): string {
  const json = JSON.stringify(object);
  return json === '{}' ? '}' : `,${json.slice(1)}`;
}
