import type { LoadRequest } from '../requests/load-request.js';
import { header } from '../servers/http-call.js';
import { AVAILABLE, excerpt, unavailable, type ProbeOutcome } from './probe-outcome.js';
import { sendOnce } from './send-once.js';

/**
 * A streaming endpoint (issue #8) works when a streamed request is answered 200 with
 * `text/event-stream` and the stream carries the mock's first token.
 */
export async function probeStreaming(origin: string, request: LoadRequest, firstToken: string, what: string): Promise<ProbeOutcome> {
  const answer = await sendOnce(origin, request, 'probe');
  const type = header(answer, 'content-type') ?? 'no content type';
  if (answer.status === 200 && type.startsWith('text/event-stream') && answer.body.includes(firstToken)) return AVAILABLE;
  return unavailable(`${request.path} with "stream": true answered ${answer.status} (${type}): ${excerpt(answer.body)}: ${what}`);
}
