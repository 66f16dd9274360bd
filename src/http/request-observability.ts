import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { gatewayTracer } from '../observability/tracing/with-span.js';
import type { GatewayServices } from './gateway-services.js';

/** Routes an operator or a scraper calls, not clients: no spans, not counted as traffic. */
const OPERATIONAL_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics', '/status', '/status.json']);

/** nginx's "client closed request": the client hung up before the answer. */
const CLIENT_CLOSED = 499;

interface RequestObservation {
  readonly route: string;
  readonly traffic: boolean;
  readonly span?: Span;
  readonly startedAt: number;
  finished: boolean;
}

/**
 * Observes every request to the gateway's routes: a SERVER span per agent-traffic request
 * (continuing an incoming W3C `traceparent`, and active for everything the request does, so
 * execution and upstream spans become its children), the request's upstream time opened in
 * the ledger, and one `http.request` event when the answer is sent, or with status 499 when the
 * client hangs up first.
 */
export function registerRequestObservability(app: FastifyInstance, gateway: GatewayServices): void {
  const { observability, events } = gateway;
  const observations = new WeakMap<FastifyRequest, RequestObservation>();
  const prefix = app.prefix;

  // Callback style on purpose: `context.with(..., done)` runs the rest of the request
  // (parsing, handler, executor) inside the span's context.
  app.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url ?? request.url.split('?')[0]!;
    if (OPERATIONAL_ROUTES.has(route.slice(prefix.length))) {
      observations.set(request, { route, traffic: false, startedAt: performance.now(), finished: false });
      return done();
    }
    observability.upstreamTime.open(request.id);
    const parent = propagation.extract(context.active(), request.headers);
    const span = gatewayTracer().startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': request.url.split('?')[0]!, 'ossa.request.id': request.id },
      },
      parent,
    );
    observations.set(request, { route, traffic: true, span, startedAt: performance.now(), finished: false });
    // A client that hangs up while waiting gets no answer, and Fastify reports none (neither
    // onResponse nor, once the body was read, onRequestAbort): the connection closing is the end.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) finish(request, CLIENT_CLOSED);
    });
    context.with(trace.setSpan(parent, span), done);
  });

  const finish = (request: FastifyRequest, status: number, durationMs?: number): void => {
    const observation = observations.get(request);
    if (!observation || observation.finished) return;
    observation.finished = true;
    const upstream = observation.traffic ? observability.upstreamTime.close(request.id) : undefined;
    if (observation.span) endSpan(observation.span, status);
    events.dispatch({
      type: 'http.request',
      requestId: request.id,
      method: request.method,
      route: observation.route,
      status,
      durationMs: durationMs ?? performance.now() - observation.startedAt,
      traffic: observation.traffic,
      upstreamCalls: upstream?.calls ?? 0,
      upstreamMs: upstream?.upstreamMs ?? 0,
      waitedMs: upstream?.waitedMs ?? 0,
    });
  };
  app.addHook('onResponse', (request, reply, done) => {
    // Fastify's own clock, so the event agrees with the `request completed` log line.
    finish(request, reply.statusCode, reply.elapsedTime);
    done();
  });
}

function endSpan(span: Span, status: number): void {
  if (span.isRecording()) {
    span.setAttribute('http.response.status_code', status);
    // Server spans are errors for 5xx only: a 4xx is the client's mistake, answered correctly.
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    if (status === CLIENT_CLOSED) span.setAttribute('ossa.client_aborted', true);
  }
  span.end();
}
