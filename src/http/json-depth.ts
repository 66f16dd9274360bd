/**
 * How deep a request's free-form JSON (an execution's `context`) may nest objects and arrays.
 * Deeper documents are refused at the boundary: the cache key, the prompt and the audit record
 * all walk the context recursively, and a 1 MiB body can nest 500,000 levels, enough to
 * overflow the stack (a 500) in any of them.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether `value` nests objects and arrays more than `max` levels deep (`{}` is one level).
 * Iterative, so measuring a hostile document cannot overflow the stack itself.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [item, level] = pending.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (level > max) return true;
    for (const child of Object.values(item)) pending.push([child, level + 1]);
  }
  return false;
}
