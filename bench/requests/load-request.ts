/** Where `{{n}}` stands in a body template, the load generators write a number unique in the whole run. */
export const UNIQUE_SLOT = '{{n}}';

/** One kind of request a load generator sends, over and over. */
export interface LoadRequest {
  /** Path and query, e.g. `/v1/agents/bench-support/execute`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body; with `UNIQUE_SLOT` inside, every request gets its own (a cache miss each time). */
  readonly body: string;
}

/** True when each request of `request` is different (its body has the unique slot). */
export function isUnique(request: LoadRequest): boolean {
  return request.body.includes(UNIQUE_SLOT);
}

/** The body with the slot filled, for one-off requests (probes). */
export function fillBody(request: LoadRequest, n: string): string {
  return request.body.split(UNIQUE_SLOT).join(n);
}
