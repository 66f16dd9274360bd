import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { ToolCompleteEvent, ToolErrorEvent } from '../events/gateway-events.js';
import type { ToolCallRecord } from './audit-record.js';

/** Where tool-call records go: the audit log (`record` never throws). */
interface AuditRecorder {
  record(record: ToolCallRecord): void;
}

/**
 * One `tool_call` audit record per server tool call, from the loop's `tool.complete` and
 * `tool.error` events; the arguments and the result only with `include_content`.
 */
export function auditToolCalls(events: EventDispatcher, audit: AuditRecorder, options: { includeContent: boolean; now?: () => number }): () => void {
  const now = options.now ?? Date.now;
  const record = (event: ToolCompleteEvent | ToolErrorEvent): void => {
    audit.record({
      event: 'tool_call',
      timestamp: Math.round(now()),
      request_id: event.requestId,
      attempt: 0,
      provider: 'gateway',
      model: '',
      agent: event.agent,
      agent_version: null,
      ...(event.userId !== undefined ? { user_id: event.userId } : {}),
      streamed: false,
      tool: event.tool,
      kind: event.kind,
      tool_call_id: event.callId,
      duration_ms: event.duration,
      outcome: event.type === 'tool.complete' ? 'ok' : event.outcome,
      argument_bytes: event.argumentBytes,
      result_bytes: event.resultBytes,
      ...(options.includeContent ? { arguments: event.arguments, result: event.type === 'tool.complete' ? event.result : event.message } : {}),
    });
  };
  const offs = [events.on('tool.complete', record), events.on('tool.error', record)];
  return () => {
    for (const off of offs) off();
  };
}
