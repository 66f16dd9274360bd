/**
 * What a capability probe found. A scenario whose feature is not in this build (not merged
 * yet, or switched off) is skipped with the reason printed; once the feature is there, the
 * same probe passes and the scenario runs, with no change to the harness.
 */
export type ProbeOutcome = { readonly available: true } | { readonly available: false; readonly reason: string };

/** The feature is there: run the scenario. */
export const AVAILABLE: ProbeOutcome = { available: true };

/** The feature is not there, and why (printed and written to the report). */
export function unavailable(reason: string): ProbeOutcome {
  return { available: false, reason };
}

/** A short, single-line excerpt of a response body for a reason or an error. */
export function excerpt(body: string, max = 100): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
