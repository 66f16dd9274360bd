import { fillBody, type LoadRequest } from '../requests/load-request.js';
import { httpCall, type HttpAnswer } from '../servers/http-call.js';

/** Sends `request` once to `origin`, its unique slot (if any) filled with `n`. */
export function sendOnce(origin: string, request: LoadRequest, n: string): Promise<HttpAnswer> {
  return httpCall(origin + request.path, { method: 'POST', headers: { ...request.headers }, body: fillBody(request, n), timeoutMs: 15_000 });
}
