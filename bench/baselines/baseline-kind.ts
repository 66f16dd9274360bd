/** The baseline servers of issue #12, by the name `bench/baselines/main.js --kind` takes. */
export const BASELINE_KINDS = ['bare-proxy', 'map-cache-hit', 'map-rate-limit'] as const;
/** One baseline server: the bare Fastify + undici proxy, or the bare route answering from a Map (cache hit or 429). */
export type BaselineKind = (typeof BASELINE_KINDS)[number];
