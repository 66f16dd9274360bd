import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import { gatewayTracer } from '../observability/tracing/with-span.js';
import { contentText } from '../providers/provider.js';
import type { ToolCallObserver } from './agent-loop.js';
import { isMissingTool } from './agent-loop.js';
import type { PreparedExecution } from './agent-executor.js';
import type { ExecuteOptions } from './agent-response.js';

/** OTel GenAI's `gen_ai.tool.type`: `function` for the code we call, `extension` for a tool of another service. */
const TOOL_TYPE: Readonly<Record<string, string>> = { function: 'function', http: 'extension', mcp: 'extension' };

/**
 * Reports each tool call of a run: `tool.start`, then `tool.complete` or `tool.error` (the
 * audit log and the metrics listen to them), and an `execute_tool {name}` span (OTel GenAI
 * conventions) under the agent's span. No argument or result content is in any of them.
 */
export function toolCallEvents(events: EventDispatcher, now: () => number) {
  return (prepared: PreparedExecution, options: ExecuteOptions): ToolCallObserver => ({
    start(call, tool) {
      const base = {
        requestId: options.requestId,
        agent: prepared.route.agent.name,
        ...(options.userId !== undefined ? { userId: options.userId } : {}),
        callId: call.id,
        tool: call.name,
        kind: tool.kind,
        known: !isMissingTool(tool),
        argumentBytes: Buffer.byteLength(call.arguments),
      };
      events.dispatch({ type: 'tool.start', ...base, startTime: now() });
      const span = gatewayTracer().startSpan(`execute_tool ${base.known ? call.name : 'unknown'}`, {
        kind: SpanKind.INTERNAL,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': call.name,
          'gen_ai.tool.call.id': call.id,
          'gen_ai.tool.type': TOOL_TYPE[tool.kind] ?? 'function',
          ...(tool.definition.description !== undefined ? { 'gen_ai.tool.description': tool.definition.description.slice(0, 256) } : {}),
          'ossa.tool.kind': tool.kind,
        },
      });
      return (report) => {
        span.setAttribute('ossa.tool.outcome', report.outcome);
        if (report.outcome === 'ok') {
          events.dispatch({ type: 'tool.complete', ...base, duration: report.durationMs, resultBytes: report.resultBytes, truncated: report.truncated, arguments: call.arguments, result: contentText(report.message.content) });
        } else {
          span.setStatus({ code: SpanStatusCode.ERROR, message: report.outcome });
          span.setAttribute('error.type', report.outcome);
          events.dispatch({ type: 'tool.error', ...base, outcome: report.outcome, duration: report.durationMs, message: contentText(report.message.content).slice(0, 1000), resultBytes: report.resultBytes, arguments: call.arguments });
        }
        span.end();
      };
    },
  });
}
