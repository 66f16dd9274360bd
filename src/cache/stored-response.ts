import type { AgentResponse } from '../executor/agent-response.js';

/** A response as cached: what describes the answer, without what belongs to the request that got it. */
export type StoredResponse = Omit<AgentResponse, 'request_id' | 'cached' | 'duration_ms' | 'attempts'>;

/** The format version of stored entries; entries of another version are misses. */
const FORMAT = 1;

/** Only full answers from the agent's own provider are kept: a fallback's answer is served, not cached. */
export function isCacheable(response: AgentResponse): boolean {
  return !response.fallback_used;
}

/** The text a store keeps for a response: versioned, without the request's own fields. */
export function serializeResponse(response: AgentResponse, storedAt: number): string {
  const { request_id: _id, cached: _cached, duration_ms: _duration, attempts: _attempts, ...stored } = response;
  return JSON.stringify({ v: FORMAT, stored_at: storedAt, response: stored });
}

/** The stored response, or undefined when the text is not an entry this version wrote. */
export function parseStoredResponse(text: string): StoredResponse | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(entry) || entry['v'] !== FORMAT || !isRecord(entry['response'])) return undefined;
  const r = entry['response'];
  const usage = r['usage'];
  const agent = r['agent'];
  if (
    typeof r['output'] !== 'string' || typeof r['provider'] !== 'string' || typeof r['model'] !== 'string' ||
    typeof r['finish_reason'] !== 'string' || typeof r['fallback_used'] !== 'boolean' ||
    !isRecord(agent) || typeof agent['name'] !== 'string' ||
    !isRecord(usage) || typeof usage['input_tokens'] !== 'number' || typeof usage['output_tokens'] !== 'number'
  ) {
    return undefined;
  }
  return r as unknown as StoredResponse;
}

/**
 * The answer to a request served from the cache: its own request id and duration, `cached:
 * true`, no upstream attempts. `usage` stays the original call's: what the answer cost to make.
 */
export function servedFromCache(stored: StoredResponse, requestId: string, durationMs: number): AgentResponse {
  // `stored` may be a whole response (another request's, shared by single flight): ours overrides.
  return { ...stored, request_id: requestId, duration_ms: durationMs, attempts: 0, cached: true };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
