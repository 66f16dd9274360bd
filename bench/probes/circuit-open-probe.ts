import type { LoadRequest } from '../requests/load-request.js';
import { httpCall, jsonBody } from '../servers/http-call.js';
import { AVAILABLE, excerpt, unavailable, type ProbeOutcome } from './probe-outcome.js';
import { sendOnce } from './send-once.js';

interface ExecuteAnswer {
  provider?: unknown;
  fallback_used?: unknown;
}

/**
 * The circuit breaker and fallback chain (issue #3) are active when, after enough requests to
 * open the dead primary's breaker, a request is served by the fallback (`fallback_used: true`,
 * provider `fallbackProvider`), and `GET /v1/providers`, where the build has it, shows the
 * primary's circuit open. The requests sent here are what opens it before the load starts.
 */
export async function probeCircuitOpen(origin: string, request: LoadRequest, primary: string, fallbackProvider: string, attempts = 8): Promise<ProbeOutcome> {
  let last = '';
  for (let i = 0; i < attempts; i++) {
    const answer = await sendOnce(origin, request, `probe-${i}`);
    const body = jsonBody(answer) as ExecuteAnswer | undefined;
    last = `status ${answer.status}, ${excerpt(answer.body)}`;
    if (answer.status !== 200 || body?.fallback_used !== true || body.provider !== fallbackProvider) continue;
    const state = await primaryState(origin, primary);
    if (state === undefined || state === 'open') return AVAILABLE;
    last = `served by the fallback, but GET /v1/providers shows ${primary} ${state}`;
  }
  return unavailable(`after ${attempts} requests with the primary provider on a dead port, the last one got ${last}: no open circuit with a fallback (issue #3) in this build`);
}

/** The primary's breaker state from `GET /v1/providers`, or undefined when the route is not there. */
async function primaryState(origin: string, primary: string): Promise<string | undefined> {
  const answer = await httpCall(`${origin}/v1/providers`);
  if (answer.status !== 200) return undefined;
  const text = JSON.stringify(jsonBody(answer) ?? {});
  // The shape belongs to issue #3; look for the primary's entry and a state near it, whatever the nesting.
  const at = text.indexOf(`"${primary}"`);
  if (at < 0) return undefined;
  const match = /"(?:state|circuit|circuit_state)"\s*:\s*"(closed|open|half-open)"/.exec(text.slice(at, at + 400));
  return match?.[1];
}
