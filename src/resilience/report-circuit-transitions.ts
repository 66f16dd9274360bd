import type { Logger } from 'pino';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { CircuitBreaker, CircuitTransition } from './circuit-breaker.js';

const EVENT_TYPES = {
  open: 'circuit.opened',
  'half-open': 'circuit.half_opened',
  closed: 'circuit.closed',
} as const;

/**
 * Makes a breaker's state changes visible: a `circuit.opened|half_opened|closed` event on the
 * gateway's dispatcher, and a log line (warn when it opens, info otherwise).
 */
export function reportCircuitTransitions(breaker: CircuitBreaker, events: EventDispatcher, logger: Logger): void {
  breaker.onTransition((transition: CircuitTransition) => {
    events.dispatch({ type: EVENT_TYPES[transition.to], ...transition });
    const fields = {
      provider: transition.provider,
      circuit_from: transition.from,
      circuit_to: transition.to,
      failures: transition.failures,
      ...(transition.halfOpenAt !== undefined ? { half_open_at: new Date(transition.halfOpenAt).toISOString() } : {}),
    };
    if (transition.to === 'open') {
      const seconds = Math.ceil(((transition.halfOpenAt ?? transition.time) - transition.time) / 1000);
      const why = transition.from === 'half-open' ? 'the trial request failed' : `${transition.failures} consecutive failures`;
      logger.warn(fields, `circuit of provider ${transition.provider} opened after ${why}; calls fail over for ${seconds} s`);
    } else if (transition.to === 'half-open') {
      logger.info(fields, `circuit of provider ${transition.provider} is half-open: the next call is a trial`);
    } else {
      logger.info(fields, `circuit of provider ${transition.provider} closed: the trial call succeeded`);
    }
  });
}
