import { LatencySketch } from './latency-sketch.js';
import type { WindowSlot } from './rolling-window.js';

/** One second of agent traffic, as the status page counts it. */
export class TrafficSlot implements WindowSlot {
  requests = 0;
  errors = 0;
  readonly latency = new LatencySketch();
  readonly overhead = new LatencySketch();
  cacheHits = 0;
  cacheMisses = 0;
  rejectedUser = 0;
  rejectedGlobal = 0;
  rejectedAgent = 0;
  /** Server tool calls of the agent loop, and those that ended as a tool error. */
  toolCalls = 0;
  toolErrors = 0;

  clear(): void {
    this.requests = this.errors = this.cacheHits = this.cacheMisses = 0;
    this.toolCalls = this.toolErrors = 0;
    this.rejectedUser = this.rejectedGlobal = this.rejectedAgent = 0;
    this.latency.clear();
    this.overhead.clear();
  }
}

/** One second of one provider: executions it answered or failed, failed attempts, retries, fallbacks away. */
export class ProviderSlot implements WindowSlot {
  served = 0;
  failed = 0;
  upstreamErrors = 0;
  retries = 0;
  fallbacks = 0;

  clear(): void {
    this.served = this.failed = this.upstreamErrors = this.retries = this.fallbacks = 0;
  }
}
