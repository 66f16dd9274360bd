/** One `request completed` line of a gateway's log: the request it answered and the status sent. */
export interface CompletedRequest {
  readonly requestId: string;
  readonly status: number;
}

/**
 * The `request completed` lines in a gateway's JSON log output (one per request its HTTP server
 * answered, written by the `onResponse` hook): what the gateway itself believes it answered,
 * to hold against what the clients received.
 */
export function completedRequests(output: string): Map<string, CompletedRequest> {
  const completed = new Map<string, CompletedRequest>();
  for (const line of output.split('\n')) {
    if (!line.includes('"request completed"')) continue;
    let entry: { request_id?: unknown; status?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue; // a line torn by the test reading mid-write; the caller reads once the process exited
    }
    if (typeof entry.request_id === 'string' && typeof entry.status === 'number') {
      completed.set(entry.request_id, { requestId: entry.request_id, status: entry.status });
    }
  }
  return completed;
}
