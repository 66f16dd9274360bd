import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { testAgent } from '../../../test/support/agent-definition.js';
import { LogCapture } from '../../../test/support/gateway-harness.js';
import type { AgentDefinition } from '../../agents/agent-definition.js';
import type { AuditRecord } from '../../audit/audit-record.js';
import type { PiiDetectionConfig } from '../../config/ossa-config.js';
import { EventDispatcher } from '../../events/event-dispatcher.js';
import type { GatewayEvent } from '../../events/gateway-events.js';
import type { AgentResponse, AgentRunner, ExecuteOptions } from '../../executor/agent-response.js';
import type { AgentRoute } from '../../executor/agent-route.js';
import type { AgentStreamEvent } from '../../executor/agent-stream-event.js';
import type { Provider } from '../../providers/provider.js';
import { PiiDetectedError } from './pii-detected-error.js';
import { PiiGuardedRunner } from './pii-guarded-runner.js';
import { PiiPolicies } from './pii-policy.js';

const OFF: PiiDetectionConfig = { enabled: false, types: ['email', 'ssn', 'credit_card'], action: 'redact', apply_to_output: false };

/** The route of `agent`: only what the guard reads (the agent, its primary target, a provider). */
function route(agent: AgentDefinition): AgentRoute {
  // A route is built by resolveAgentRoutes from config; the guard reads these three fields only.
  return { agent, primary: { provider: 'claude', model: 'm' }, provider: {} as Provider } as unknown as AgentRoute;
}

/** An inner runner that records what reached it and answers with `answer` (streamed as `events`). */
function recording(answer: Partial<AgentResponse> = {}, events: AgentStreamEvent[] = []) {
  const seen: { input: string; options: ExecuteOptions }[] = [];
  const response = { request_id: 'r', agent: { name: 'a', version: null }, output: '', provider: 'claude', model: 'm', usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 }, finish_reason: 'stop', duration_ms: 1, fallback_used: false, attempts: 1, cached: false, ...answer } as AgentResponse;
  const runner: AgentRunner = {
    execute: async (_agent, input, _context, options) => {
      seen.push({ input, options });
      return response;
    },
    executeStream: async function* (_agent, input, _context, options) {
      seen.push({ input, options });
      yield* events;
      yield { type: 'done', response };
    },
  };
  return { runner, seen };
}

function guard(agents: AgentDefinition[], inner: AgentRunner, defaults: PiiDetectionConfig = OFF) {
  const logs = new LogCapture();
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const dispatched: GatewayEvent[] = [];
  events.on('pii.detected', (e) => void dispatched.push(e));
  const audit: AuditRecord[] = [];
  const runner = new PiiGuardedRunner(inner, {
    policies: new PiiPolicies(defaults),
    routes: new Map(agents.map((agent) => [agent.name, route(agent)])),
    events,
    logger: pino({ level: 'info' }, logs.stream),
    audit: { record: (r) => void audit.push(r) },
    now: () => 1000,
  });
  return { runner, logs, dispatched, audit };
}

const opts: ExecuteOptions = { requestId: 'req-1', userId: 'ada' };

describe('PiiGuardedRunner', () => {
  it('warn: passes the input as it is, logs a warning and reports the types found, never the values', async () => {
    const inner = recording();
    const agent = testAgent('warned', { piiDetection: { enabled: true, types: ['email', 'ssn'], action: 'warn' } });
    const { runner, logs, dispatched, audit } = guard([agent], inner.runner);
    await runner.execute('warned', 'ssn 123-45-6789, mail a@example.com', {}, opts);
    expect(inner.seen[0]!.input).toBe('ssn 123-45-6789, mail a@example.com');
    expect(dispatched).toEqual([{ type: 'pii.detected', requestId: 'req-1', agent: 'warned', surface: 'input', action: 'warn', counts: { ssn: 1, email: 1 } }]);
    expect(audit).toEqual([expect.objectContaining({ event: 'pii_detected', timestamp: 1000, user_id: 'ada', surface: 'input', action: 'warn', pii_count: 2, attempt: 0, provider: 'claude' })]);
    const line = logs.lines.find((l) => l['level'] === 40)!;
    expect(line['msg']).toMatch(/spec\.safety\.pii_detection\.action: warn/);
    expect(JSON.stringify(logs.lines)).not.toMatch(/123-45-6789|a@example\.com/);
  });

  it('block: throws before the inner runner is called, naming the types', async () => {
    const inner = recording();
    const { runner } = guard([testAgent('strict')], inner.runner, { ...OFF, enabled: true, action: 'block' });
    const error = await runner.execute('strict', 'card 4111111111111111', {}, { ...opts, history: [{ role: 'user', content: 'my ssn 123-45-6789' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PiiDetectedError);
    expect((error as PiiDetectedError).types).toEqual(['credit_card', 'ssn']);
    expect((error as Error).message).not.toMatch(/4111|6789/);
    expect(inner.seen).toHaveLength(0);
  });

  it('a manifest\'s enabled: false wins over the gateway default; unknown agents pass to the inner runner', async () => {
    const inner = recording();
    const { runner, dispatched } = guard([testAgent('exempt', { piiDetection: { enabled: false, types: [], action: 'redact' } })], inner.runner, { ...OFF, enabled: true, action: 'block' });
    await runner.execute('exempt', 'ssn 123-45-6789', {}, opts);
    await runner.execute('nobody', 'ssn 123-45-6789', {}, opts);
    expect(inner.seen.map((s) => s.input)).toEqual(['ssn 123-45-6789', 'ssn 123-45-6789']);
    expect(dispatched).toEqual([]);
  });

  it('streamed output: text and tool-call arguments redacted across pieces, done carries the redacted output and calls', async () => {
    const inner = recording({ output: 'mail a@example.com', tool_calls: [{ id: 'c1', name: 'send', arguments: '{"to":"b@example.org"}' }] }, [
      { type: 'delta', text: 'mail a@exa' },
      { type: 'delta', text: 'mple.com' },
      { type: 'tool_call_start', index: 0, id: 'c1', name: 'send' },
      { type: 'tool_call_delta', index: 0, arguments: '{"to":"b@exam' },
      { type: 'tool_call_delta', index: 0, arguments: 'ple.org"}' },
      { type: 'tool_call_end', index: 0 },
    ]);
    const agent = testAgent('out', { piiDetection: { enabled: true, types: ['email'], action: 'redact', applyToOutput: true } });
    const { runner, dispatched } = guard([agent], inner.runner);
    const events: AgentStreamEvent[] = [];
    for await (const event of runner.executeStream('out', 'hi', {}, opts)) events.push(event);
    const text = events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
    const args = events.flatMap((e) => (e.type === 'tool_call_delta' ? [e.arguments] : [])).join('');
    expect(text).toBe('mail [REDACTED:EMAIL]');
    expect(args).toBe('{"to":"[REDACTED:EMAIL]"}');
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'done', response: { output: 'mail [REDACTED:EMAIL]', tool_calls: [{ arguments: '{"to":"[REDACTED:EMAIL]"}' }] } });
    expect(dispatched).toEqual([expect.objectContaining({ surface: 'output', counts: { email: 2 } })]);
  });
});
