import type { Logger } from 'pino';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import { ProviderError } from '../providers/provider-error.js';

/**
 * The built-in subscriber: one log line when an execution starts (debug), completes (info)
 * or fails (warn). Never logs the input or output text.
 */
export function registerAgentExecutionListener(events: EventDispatcher, logger: Logger): void {
  events.on('agent.execution.start', (event) => {
    logger.debug({ request_id: event.requestId, agent: event.agent.name, user_id: event.userId }, 'agent execution started');
  });
  events.on('agent.execution.complete', (event) => {
    const r = event.response;
    logger.info(
      {
        request_id: event.requestId,
        agent: event.agent.name,
        provider: r.provider,
        model: r.model,
        duration_ms: event.duration,
        input_tokens: r.usage.input_tokens,
        output_tokens: r.usage.output_tokens,
        fallback_used: r.fallback_used,
        cached: r.cached,
      },
      'agent execution completed',
    );
  });
  events.on('agent.execution.error', (event) => {
    const error = event.error;
    logger.warn(
      {
        request_id: event.requestId,
        agent: event.agent.name,
        duration_ms: event.duration,
        error_class: error instanceof ProviderError ? `ProviderError:${error.kind}` : error.name,
        provider: error instanceof ProviderError ? error.provider : undefined,
        status: error instanceof ProviderError ? error.status : undefined,
      },
      `agent execution failed: ${error.message}`,
    );
  });
}
