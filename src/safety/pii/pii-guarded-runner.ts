import type { Logger } from 'pino';
import type { AuditRecorder } from '../../audit/audit-log.js';
import type { PiiDetectedRecord } from '../../audit/audit-record.js';
import type { EventDispatcher } from '../../events/event-dispatcher.js';
import type { AgentResponse, AgentRunner, ExecuteOptions, ExecutionContext } from '../../executor/agent-response.js';
import type { AgentRoute } from '../../executor/agent-route.js';
import type { AgentStreamEvent } from '../../executor/agent-stream-event.js';
import type { RunnerLayer } from '../../pipeline/wrap.js';
import { checkClientContent } from './pii-request-check.js';
import { PiiDetectedError } from './pii-detected-error.js';
import type { PiiPolicies, PiiPolicy } from './pii-policy.js';
import type { PiiStreamRedactor } from './pii-stream-redactor.js';
import { PII_TYPES, type PiiCounts } from './pii-type.js';

/** What a `PiiGuardedRunner` reports to. */
export interface PiiGuardOptions {
  readonly policies: PiiPolicies;
  /** The routes it guards (agents and pass-through models), as the executor resolved them. */
  readonly routes: ReadonlyMap<string, AgentRoute>;
  readonly events: EventDispatcher;
  readonly logger: Logger;
  readonly audit?: AuditRecorder;
  /** Epoch milliseconds for audit records; injectable for tests. */
  readonly now?: () => number;
}

/**
 * An `AgentRunner` decorator that checks what a client sends for personal data before the
 * layers inside it run (the cache, the executor, the upstream): the input, the context, the
 * history and the client's own system text (see `checkClientContent`), with the agent's
 * policy (`PiiPolicies`). `redact` sends the content on with each value replaced by its
 * marker, so the cache and the upstream only see that; `block` throws `PiiDetectedError`
 * (422, the types named); `warn` sends it on as it is, with a warning in the log. With
 * `applyToOutput` the answer is checked too: redacted for `redact` and `block` (it was asked
 * for already), counted for `warn`; a streamed answer through a `PiiStreamRedactor`, which
 * holds back only what may be a value still being written.
 *
 * Every find is an `pii.detected` event (the metrics count it) and a `pii_detected` audit
 * record: types and counts, never a value. A request that finds nothing costs one scan.
 *
 * @example
 * const runner = new PiiGuardedRunner(cache, { policies: new PiiPolicies(config.security.pii_detection), routes, events, logger });
 */
export class PiiGuardedRunner implements AgentRunner {
  readonly #inner: AgentRunner;
  readonly #options: PiiGuardOptions;
  readonly #now: () => number;
  /** Each route's policy, looked up once. */
  readonly #policies = new Map<string, PiiPolicy | undefined>();

  constructor(inner: AgentRunner, options: PiiGuardOptions) {
    this.#inner = inner;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async execute(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): Promise<AgentResponse> {
    const guarded = this.#guard(agentName);
    if (!guarded) return this.#inner.execute(agentName, input, context, options);
    const { route, policy } = guarded;
    const checked = this.#checkInput(route, policy, input, context, options, false);
    const response = await this.#inner.execute(agentName, checked.input, checked.context, checked.options);
    return policy.applyToOutput ? this.#checkOutput(route, policy, response, options, false) : response;
  }

  executeStream(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncIterable<AgentStreamEvent> {
    const guarded = this.#guard(agentName);
    if (!guarded) return this.#inner.executeStream(agentName, input, context, options);
    return this.#stream(guarded.route, guarded.policy, agentName, input, context, options);
  }

  async *#stream(route: AgentRoute, policy: PiiPolicy, agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncGenerator<AgentStreamEvent, void, undefined> {
    // Checked at the first `next()`, before any event: a refusal is still an error status.
    const checked = this.#checkInput(route, policy, input, context, options, true);
    const events = this.#inner.executeStream(agentName, checked.input, checked.context, checked.options);
    if (!policy.applyToOutput) return yield* events;
    if (policy.action === 'warn') {
      for await (const event of events) {
        if (event.type === 'done') this.#checkOutput(route, policy, event.response, options, true);
        yield event;
      }
      return;
    }
    const scanner = policy.scanner;
    const text = scanner.stream();
    const args = new Map<number, PiiStreamRedactor>();
    let output = '';
    const flushText = (): AgentStreamEvent[] => {
      const rest = text.flush();
      output += rest;
      return rest === '' ? [] : [{ type: 'delta', text: rest }];
    };
    const counts: PiiCounts = {};
    const tally = (stream: PiiStreamRedactor): void => {
      for (const [type, count] of Object.entries(stream.counts)) counts[type as keyof PiiCounts] = (counts[type as keyof PiiCounts] ?? 0) + count;
    };
    for await (const event of events) {
      switch (event.type) {
        case 'delta': {
          const out = text.push(event.text);
          output += out;
          if (out !== '') yield out === event.text ? event : { type: 'delta', text: out };
          break;
        }
        case 'tool_call_start':
          yield* flushText();
          args.set(event.index, scanner.stream());
          yield event;
          break;
        case 'tool_call_delta': {
          const out = args.get(event.index)?.push(event.arguments) ?? scanner.redact(event.arguments).text;
          if (out !== '') yield out === event.arguments ? event : { ...event, arguments: out };
          break;
        }
        case 'tool_call_end': {
          const stream = args.get(event.index);
          const rest = stream?.flush() ?? '';
          if (rest !== '') yield { type: 'tool_call_delta', index: event.index, arguments: rest };
          if (stream) tally(stream);
          args.delete(event.index);
          yield event;
          break;
        }
        case 'done': {
          yield* flushText();
          for (const [index, stream] of args) {
            const rest = stream.flush();
            if (rest !== '') yield { type: 'tool_call_delta', index, arguments: rest };
            tally(stream);
          }
          tally(text);
          const response = event.response;
          const toolCalls = response.tool_calls?.map((call) => ({ ...call, arguments: scanner.redact(call.arguments).text }));
          this.#report(route, policy, 'output', counts, options, true, response);
          yield { type: 'done', response: { ...response, output, ...(toolCalls ? { tool_calls: toolCalls } : {}) } };
          break;
        }
        // A step the gateway ran itself (the agent loop): what the client sees of it is output too.
        case 'tool_run':
          yield* flushText();
          yield { ...event, arguments: scanner.redact(event.arguments).text };
          break;
        case 'tool_result':
          yield* flushText();
          yield { ...event, content: scanner.redact(event.content).text };
          break;
        case 'start':
          yield event;
          break;
        default: {
          const unknown: never = event;
          throw new Error(`unexpected stream event ${JSON.stringify(unknown)}`);
        }
      }
    }
  }

  /** The route and its policy, when the agent is checked at all (an unknown agent's 404 comes from inside). */
  #guard(agentName: string): { route: AgentRoute; policy: PiiPolicy } | undefined {
    const route = this.#options.routes.get(agentName);
    if (!route || route.provider === undefined) return undefined;
    let policy = this.#policies.get(agentName);
    if (!this.#policies.has(agentName)) this.#policies.set(agentName, (policy = this.#options.policies.of(route.agent)));
    return policy ? { route, policy } : undefined;
  }

  #checkInput(route: AgentRoute, policy: PiiPolicy, input: string, context: ExecutionContext, options: ExecuteOptions, streamed: boolean) {
    const checked = checkClientContent(policy.scanner, { input, context, options }, policy.action === 'redact');
    if (checked.found === 0) return checked;
    this.#report(route, policy, 'input', checked.counts, options, streamed);
    if (policy.action === 'block') {
      throw new PiiDetectedError(route.agent.name, PII_TYPES.filter((type) => checked.counts[type] !== undefined), policy.source);
    }
    return checked;
  }

  #checkOutput(route: AgentRoute, policy: PiiPolicy, response: AgentResponse, options: ExecuteOptions, streamed: boolean): AgentResponse {
    const scanner = policy.scanner;
    const output = scanner.redact(response.output);
    const counts: PiiCounts = { ...output.counts };
    let found = output.found;
    const toolCalls = response.tool_calls?.map((call) => {
      const args = scanner.redact(call.arguments);
      found += args.found;
      for (const [type, count] of Object.entries(args.counts)) counts[type as keyof PiiCounts] = (counts[type as keyof PiiCounts] ?? 0) + count;
      return args.found === 0 ? call : { ...call, arguments: args.text };
    });
    if (found === 0) return response;
    this.#report(route, policy, 'output', counts, options, streamed, response);
    if (policy.action === 'warn') return response;
    return { ...response, output: output.text, ...(toolCalls ? { tool_calls: toolCalls } : {}) };
  }

  #report(route: AgentRoute, policy: PiiPolicy, surface: 'input' | 'output', counts: PiiCounts, options: ExecuteOptions, streamed: boolean, response?: AgentResponse): void {
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    if (total === 0) return;
    const { events, logger, audit } = this.#options;
    const agent = route.agent;
    events.dispatch({ type: 'pii.detected', requestId: options.requestId, agent: agent.name, surface, action: policy.action, counts });
    const line = { requestId: options.requestId, agent: agent.name, surface, action: policy.action, pii: counts };
    if (policy.action === 'warn') logger.warn(line, `personal data ${surface === 'input' ? 'sent to' : 'received from'} the upstream (${policy.source}.action: warn)`);
    else logger.info(line, policy.action === 'block' && surface === 'input' ? 'request refused: it holds personal data' : `personal data redacted from the ${surface}`);
    if (!audit) return;
    const record: { -readonly [K in keyof PiiDetectedRecord]: PiiDetectedRecord[K] } = {
      event: 'pii_detected',
      timestamp: this.#now(),
      request_id: options.requestId,
      attempt: 0,
      provider: response?.provider ?? route.primary.provider,
      model: response?.model ?? route.primary.model,
      agent: agent.name,
      agent_version: agent.version,
      streamed,
      surface,
      action: policy.action,
      pii_types: counts,
      pii_count: total,
    };
    if (options.userId !== undefined) record.user_id = options.userId;
    audit.record(record);
  }
}

/**
 * The `piiGuard()` runner layer: between the rate limiter and the response cache, so a refused
 * request spends a rate-limit token but no cache lookup, and the cache keys and stores what the
 * upstream was sent.
 *
 * @example
 * const runner = wrapRunner(executor, [limiter && rateLimit(limiter, routes), pii && piiGuard(pii), cache && responseCache(cache)]);
 */
export function piiGuard(options: PiiGuardOptions): RunnerLayer {
  return (inner) => new PiiGuardedRunner(inner, options);
}
