import type { AgentDefinition } from '../agents/agent-definition.js';
import type { AgentResponse, ExecutionContext } from './agent-response.js';

/** Dispatched before the provider is called. Times are epoch milliseconds. */
export interface AgentExecutionStartEvent {
  readonly type: 'agent.execution.start';
  readonly requestId: string;
  readonly agent: AgentDefinition;
  readonly input: string;
  readonly context: ExecutionContext;
  readonly userId?: string;
  readonly startTime: number;
}

export interface AgentExecutionCompleteEvent {
  readonly type: 'agent.execution.complete';
  readonly requestId: string;
  readonly agent: AgentDefinition;
  readonly response: AgentResponse;
  readonly userId?: string;
  readonly startTime: number;
  readonly endTime: number;
  /** Milliseconds. */
  readonly duration: number;
}

export interface AgentExecutionErrorEvent {
  readonly type: 'agent.execution.error';
  readonly requestId: string;
  readonly agent: AgentDefinition;
  readonly error: Error;
  readonly input: string;
  readonly context: ExecutionContext;
  readonly userId?: string;
  readonly startTime: number;
  readonly errorTime: number;
  /** Milliseconds. */
  readonly duration: number;
}

/** Every event the gateway dispatches, by type. Later layers add theirs by declaration merging. */
export interface GatewayEventMap {
  'agent.execution.start': AgentExecutionStartEvent;
  'agent.execution.complete': AgentExecutionCompleteEvent;
  'agent.execution.error': AgentExecutionErrorEvent;
}

export type GatewayEventType = keyof GatewayEventMap;
export type GatewayEvent = GatewayEventMap[GatewayEventType];
