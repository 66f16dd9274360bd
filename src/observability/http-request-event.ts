/**
 * Dispatched once per HTTP request the gateway's routes answered, after the response was
 * sent. It feeds the HTTP metrics, the gateway-overhead histogram and the status page's
 * requests per second, latency and error rate.
 */
export interface HttpRequestEvent {
  readonly type: 'http.request';
  readonly requestId: string;
  readonly method: string;
  /** The route pattern (`/v1/agents/:name/execute`), prefix included: bounded, unlike the URL. */
  readonly route: string;
  readonly status: number;
  /** From the request's arrival to the end of the response, milliseconds. */
  readonly durationMs: number;
  /** Agent traffic, as opposed to the operational routes (health, readiness, metrics, status). */
  readonly traffic: boolean;
  /** Upstream attempts the request made, the time spent in them, and retry backoff (ms). */
  readonly upstreamCalls: number;
  readonly upstreamMs: number;
  readonly waitedMs: number;
}

declare module '../executor/events.js' {
  interface GatewayEventMap {
    'http.request': HttpRequestEvent;
  }
}
