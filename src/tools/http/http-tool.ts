import type { Dispatcher } from 'undici';
import type { ToolDefinition } from '../../providers/provider.js';
import type { Secret } from '../../secrets/secret.js';
import type { ServerTool, ToolOutput, ToolRunContext } from '../server-tool.js';
import type { HttpToolMethod } from './read-http-tool-entry.js';
import { toHttpRequest } from './to-http-request.js';

/** Everything one http tool needs to make its calls, checked and resolved at load. */
export interface HttpToolSettings {
  readonly definition: ToolDefinition;
  /** The endpoint, `{param}` placeholders included, `${VAR}` resolved; its origin is allowed. */
  readonly endpoint: string;
  readonly method: HttpToolMethod;
  /** Plain headers, then resolved secret ones (auth included), sent to the endpoint's origin only. */
  readonly headers: Readonly<Record<string, string>>;
  readonly secretHeaders: Readonly<Record<string, Secret>>;
  readonly timeoutMs: number;
  readonly readOnly: boolean;
  readonly maxResponseBytes: number;
  readonly maxRedirects: number;
  /** Removes the gateway's secrets and this tool's own credentials from an answer. */
  readonly redact: (text: string) => string;
  readonly dispatcher: Dispatcher;
}

/** Longest excerpt of an error answer given to the model. */
export const MAX_ERROR_EXCERPT_CHARS = 2_048;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|yaml|x-ndjson)\b)/i;
const TIMED_OUT: unique symbol = Symbol('http tool timeout');

/**
 * A manifest's `type: http` / `api` tool: each call is one request to its endpoint (redirects
 * followed on the same origin only), bounded in time (`timeoutMs`, the call's deadline and
 * signal) and size (`maxResponseBytes`). The answer goes back to the model as text, with the
 * gateway's secrets and this tool's own credentials redacted; an error status is a result
 * with `isError` (the status and a short excerpt), not a failed run. Only a cancelled call
 * (the context's signal) rejects.
 */
export class HttpTool implements ServerTool {
  readonly kind = 'http';
  readonly definition: ToolDefinition;
  readonly readOnly: boolean;
  readonly timeoutMs: number;
  readonly #settings: HttpToolSettings;

  constructor(settings: HttpToolSettings) {
    this.#settings = settings;
    this.definition = settings.definition;
    this.readOnly = settings.readOnly;
    this.timeoutMs = settings.timeoutMs;
  }

  async run(args: Readonly<Record<string, unknown>>, context: ToolRunContext): Promise<ToolOutput> {
    let request;
    try {
      request = toHttpRequest(this.#settings.endpoint, this.#settings.method, args);
    } catch (error) {
      return failure(error instanceof TypeError ? error.message : 'the arguments do not make a URL');
    }
    context.signal.throwIfAborted();
    const controller = new AbortController();
    const budgetMs = Math.max(0, Math.min(this.timeoutMs, context.deadline - Date.now()));
    const timer = setTimeout(() => controller.abort(TIMED_OUT), budgetMs);
    const onAbort = (): void => controller.abort(context.signal.reason);
    context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.#exchange(request.url, request.body, context, controller.signal);
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason ?? error;
      if (controller.signal.reason === TIMED_OUT) return failure(`no answer from ${request.url.host} within ${budgetMs} ms`);
      return failure(`${request.url.host} could not be reached (${transportCode(error)})`);
    } finally {
      clearTimeout(timer);
      context.signal.removeEventListener('abort', onAbort);
    }
  }

  async #exchange(first: URL, firstBody: string | undefined, context: ToolRunContext, signal: AbortSignal): Promise<ToolOutput> {
    const { maxRedirects, dispatcher } = this.#settings;
    let url = first;
    let method: HttpToolMethod = this.#settings.method;
    let body = firstBody;
    for (let redirects = 0; ; redirects++) {
      const response = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers: this.#headers(context, body !== undefined),
        ...(body !== undefined ? { body } : {}),
        signal,
      });
      try {
        const { statusCode } = response;
        if (REDIRECTS.has(statusCode)) {
          const location = header(response.headers, 'location');
          if (location === undefined) return failure(`HTTP ${statusCode} without a Location to follow`);
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            return failure(`HTTP ${statusCode} with a Location that is not a URL`);
          }
          // Another origin would get the tool's credentials and the model's arguments.
          if (next.origin !== url.origin) return failure(`HTTP ${statusCode}: the redirect to another host was refused`);
          if (redirects >= maxRedirects) return failure(`HTTP ${statusCode}: more than ${maxRedirects} redirects, not followed`);
          // As fetch does: 303 (and 301/302 after a POST) continue as a GET without the body.
          if (statusCode === 303 || ((statusCode === 301 || statusCode === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
          }
          url = next;
          await response.body.dump();
          continue;
        }
        return await this.#answer(response);
      } finally {
        if (!response.body.readableEnded) {
          // A body given up on errors with "aborted"; nobody is reading it any more.
          response.body.on('error', () => {});
          response.body.destroy();
        }
      }
    }
  }

  async #answer(response: Dispatcher.ResponseData): Promise<ToolOutput> {
    const { statusCode } = response;
    const limit = this.#settings.maxResponseBytes;
    const read = await readBounded(response, limit);
    const type = header(response.headers, 'content-type');
    if (statusCode >= 400 || statusCode < 200) {
      const excerpt = read.tooLarge ? '' : this.#settings.redact(describeBody(read.bytes, type)).slice(0, MAX_ERROR_EXCERPT_CHARS);
      return failure(`HTTP ${statusCode}${excerpt ? `: ${excerpt}` : ''}`);
    }
    if (read.tooLarge) return failure(`the answer is larger than ${limit} bytes (tools.http.max_response_bytes)`);
    if (read.bytes.length === 0) return { content: `HTTP ${statusCode} (empty answer)` };
    return { content: this.#settings.redact(describeBody(read.bytes, type)) };
  }

  #headers(context: ToolRunContext, hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      accept: 'application/json, text/*;q=0.9, */*;q=0.1',
      'user-agent': 'ossa-gateway',
      'x-request-id': context.requestId,
      ...this.#settings.headers,
    };
    for (const [name, secret] of Object.entries(this.#settings.secretHeaders)) headers[name] = secret.reveal();
    if (hasBody) headers['content-type'] = 'application/json';
    return headers;
  }
}

function failure(message: string): ToolOutput {
  return { content: message, isError: true };
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Text as text; anything else is described, not decoded (a model cannot read bytes). */
function describeBody(bytes: Buffer, type: string | undefined): string {
  if (type === undefined || TEXTUAL.test(type.trim())) return bytes.toString('utf8');
  return `(${bytes.length} bytes of ${type.split(';')[0]!.trim()})`;
}

/** The body, never holding more than `limit` bytes: refused from its Content-Length, or as it grows past. */
async function readBounded(response: Dispatcher.ResponseData, limit: number): Promise<{ bytes: Buffer; tooLarge: boolean }> {
  const declared = Number(header(response.headers, 'content-length'));
  if (Number.isFinite(declared) && declared > limit) return { bytes: Buffer.alloc(0), tooLarge: true };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return { bytes: Buffer.alloc(0), tooLarge: true };
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks, size), tooLarge: false };
}

/** A transport error's code (`ECONNREFUSED`, `UND_ERR_SOCKET`): its message may quote the URL. */
function transportCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'network error';
}
