/**
 * ossa-gateway as a library: build the pipeline from a config object or file, run agents
 * in-process, or mount the HTTP API in an existing Fastify app.
 */
export { createGateway, type CreateGatewayOptions, type Gateway } from './gateway.js';
export { ossaGatewayPlugin } from './http/http-app.js';
export type { OssaConfig } from './config/ossa-config.js';
export { loadConfigFile, normalizeConfig } from './config/load-config.js';
export { SourceError, formatIssue, type SourceIssue } from './config/source-issue.js';
export type { AgentDefinition } from './agents/agent-definition.js';
export type { AgentResponse, AgentRunner, ExecuteOptions, ExecutionContext } from './executor/agent-response.js';
export type {
  AgentExecutionCompleteEvent,
  AgentExecutionErrorEvent,
  AgentExecutionStartEvent,
  GatewayEventMap,
} from './executor/events.js';
export type { Provider, ModelCall, ModelResult, StreamPart } from './providers/provider.js';
export { ProviderError } from './providers/provider-error.js';
export type { ResponseCacheControl } from './cache/cached-agent-executor.js';
export type { CacheKey } from './cache/cache-key.js';
export type { CacheEvictionEvent, CacheLookupEvent, RateLimitDecisionEvent, StoreErrorEvent } from './executor/events.js';
