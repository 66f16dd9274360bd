import type { AgentResponse } from '../../src/executor/agent-response.js';
import { testAgent } from './agent-definition.js';
import type { AgentExecutionCompleteEvent, AgentExecutionErrorEvent, CircuitState, CircuitStateEvent } from '../../src/events/gateway-events.js';

/**
 * Builders of real gateway events for unit tests of subscribers (the metrics collector, the
 * live status): the events the executor and the breaker dispatch, with typed defaults.
 */

export function executionComplete(options: {
  agent: string;
  requestId?: string;
  provider?: string;
  model?: string;
  durationMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  cached?: boolean;
  /** Tool calls the answer asks for (names `tool_0`, `tool_1`, ...). */
  toolCalls?: number;
  time?: number;
}): AgentExecutionCompleteEvent {
  const time = options.time ?? Date.now();
  const duration = options.durationMs ?? 100;
  const response: AgentResponse = {
    request_id: options.requestId ?? 'req-1',
    agent: { name: options.agent, version: '1.0.0' },
    output: 'secret prompt answer',
    ...(options.toolCalls ? { tool_calls: Array.from({ length: options.toolCalls }, (_, i) => ({ id: `call_${i}`, name: `tool_${i}`, arguments: '{"secret":"argument"}' })) } : {}),
    provider: options.provider ?? 'claude',
    model: options.model ?? 'claude-sonnet-4-5',
    usage: { input_tokens: options.inputTokens ?? 10, output_tokens: options.outputTokens ?? 5, total_tokens: (options.inputTokens ?? 10) + (options.outputTokens ?? 5) },
    finish_reason: options.toolCalls ? 'tool_calls' : 'stop',
    duration_ms: duration,
    fallback_used: false,
    attempts: 1,
    cached: options.cached ?? false,
  };
  return {
    type: 'agent.execution.complete',
    requestId: response.request_id,
    agent: testAgent(options.agent),
    response,
    startTime: time - duration,
    endTime: time,
    duration,
  };
}

export function executionError(options: { agent: string; error: Error; requestId?: string; durationMs?: number; time?: number }): AgentExecutionErrorEvent {
  const time = options.time ?? Date.now();
  const duration = options.durationMs ?? 100;
  return {
    type: 'agent.execution.error',
    requestId: options.requestId ?? 'req-1',
    agent: testAgent(options.agent),
    error: options.error,
    input: 'the user prompt, never shown',
    context: {},
    startTime: time - duration,
    errorTime: time,
    duration,
  };
}

const CIRCUIT_TYPES = { open: 'circuit.opened', 'half-open': 'circuit.half_opened', closed: 'circuit.closed' } as const;

export function circuitEvent(provider: string, from: CircuitState, to: CircuitState, options: { failures?: number; time?: number; halfOpenAt?: number } = {}): CircuitStateEvent {
  return {
    type: CIRCUIT_TYPES[to],
    provider,
    from,
    to,
    failures: options.failures ?? 5,
    time: options.time ?? Date.now(),
    ...(options.halfOpenAt !== undefined ? { halfOpenAt: options.halfOpenAt } : {}),
  };
}
