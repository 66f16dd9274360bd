import type { StreamPart } from '../provider.js';

/**
 * What a stream reader makes of one upstream event: nothing, one part (the common case, a
 * text delta: no array allocated), or several (a chunk that starts and ends tool calls).
 */
export type ReadParts = StreamPart | readonly StreamPart[] | undefined;

/** True when a reader gave several parts. */
export function isPartList(parts: StreamPart | readonly StreamPart[]): parts is readonly StreamPart[] {
  return Array.isArray(parts);
}
