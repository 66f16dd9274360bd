import { request } from 'undici';

/** A whole HTTP answer, body as text. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/**
 * One request from the orchestrator (probes, control calls, readiness checks): never on a
 * measured path, so simplicity wins over speed. Network errors reject.
 */
export async function httpCall(
  url: string,
  options: { method?: 'GET' | 'POST' | 'DELETE'; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const hasBody = options.body !== undefined;
  const response = await request(url, {
    method: options.method ?? (hasBody ? 'POST' : 'GET'),
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(hasBody ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
    headersTimeout: options.timeoutMs ?? 10_000,
    bodyTimeout: options.timeoutMs ?? 10_000,
  });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

/** The first value of a response header, case-insensitively (undici lowercases names). */
export function header(answer: HttpAnswer, name: string): string | undefined {
  const value = answer.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses a JSON body, or undefined when it is not JSON. */
export function jsonBody(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.body) as unknown;
  } catch {
    return undefined;
  }
}

/** Polls `url` until it answers with one of `statuses` (any status when omitted), or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean, statuses?: readonly number[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`bench: the process behind ${url} exited while starting`);
    try {
      const answer = await httpCall(url, { timeoutMs: 1_000 });
      if (statuses === undefined || statuses.includes(answer.status)) return;
      last = `status ${answer.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`bench: ${url} not ready within ${timeoutMs} ms (${last})`);
}
