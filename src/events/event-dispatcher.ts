import type { Logger } from 'pino';
import type { GatewayEventMap, GatewayEventType } from './gateway-events.js';

export type EventListener<E> = (event: E) => void | Promise<void>;

/**
 * Synchronous fan-out to typed listeners. A listener that throws, rejects or never settles is
 * logged and cannot change, fail or delay the request that dispatched the event.
 */
export class EventDispatcher {
  private readonly listeners = new Map<GatewayEventType, EventListener<never>[]>();
  /** Subscriber failures since start (for metrics). */
  failures = 0;

  constructor(private readonly logger: Logger) {}

  /** Subscribes; returns a function that unsubscribes. */
  on<T extends GatewayEventType>(type: T, listener: EventListener<GatewayEventMap[T]>): () => void {
    const list = this.listeners.get(type) ?? [];
    list.push(listener as EventListener<never>);
    this.listeners.set(type, list);
    return () => {
      const current = this.listeners.get(type);
      if (current) this.listeners.set(type, current.filter((l) => l !== listener));
    };
  }

  hasListeners(type: GatewayEventType): boolean {
    return (this.listeners.get(type)?.length ?? 0) > 0;
  }

  dispatch<T extends GatewayEventType>(event: GatewayEventMap[T] & { type: T }): void {
    const list = this.listeners.get(event.type);
    if (!list) return;
    for (const listener of list) {
      try {
        const result = (listener as EventListener<GatewayEventMap[T]>)(event);
        // Not awaited: a slow subscriber must not hold the response.
        if (result && typeof (result as Promise<void>).catch === 'function') {
          (result as Promise<void>).catch((error: unknown) => this.reportFailure(event, error));
        }
      } catch (error) {
        this.reportFailure(event, error);
      }
    }
  }

  private reportFailure(event: { type: string; requestId?: string }, error: unknown): void {
    this.failures++;
    // The request's id, when the event has one, so this line is found with the request's others.
    this.logger.error({ event: event.type, request_id: event.requestId, err: error }, `event subscriber for ${event.type} failed; the request continues`);
  }
}
