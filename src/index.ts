/**
 * ossa-gateway as a library: build the pipeline from a config object or file, run agents
 * in-process, or mount the HTTP API in an existing Fastify app.
 */
export { createGateway, type CreateGatewayOptions, type Gateway } from './gateway.js';
export { ossaGatewayPlugin } from './http/http-app.js';
export type { CacheScope, OssaConfig, PassThroughModelConfig } from './config/ossa-config.js';
export { loadConfigFile, normalizeConfig } from './config/load-config.js';
export { SourceError, formatIssue, type SourceIssue } from './config/source-issue.js';
export type { AgentDefinition } from './agents/agent-definition.js';
export type { AgentResponse, AgentRunner, AgentStep, AgentToolCall, ExecuteOptions, ExecutionContext } from './executor/agent-response.js';
export type { ToolHandler, ToolHandlers } from './tools/function/tool-handler.js';
export type { ManifestToolEntry, ServerTool, ServerToolKind, ToolKindHandler, ToolOutput, ToolResolution, ToolRunContext, ToolSource } from './tools/server-tool.js';
export { NO_SERVER_TOOLS } from './tools/resolve-agent-tools.js';
export type { AgentStreamDelta, AgentStreamDone, AgentStreamEvent, AgentStreamStart, AgentStreamToolResult, AgentStreamToolRun } from './executor/agent-stream-event.js';
export type {
  AgentExecutionCompleteEvent,
  AgentExecutionErrorEvent,
  AgentExecutionStartEvent,
  AuditFallbackEvent,
  AuthFailureEvent,
  AuthThrottledEvent,
  CacheEvictionEvent,
  CacheLookupEvent,
  CircuitStateEvent,
  ConnectionDroppedEvent,
  GatewayEvent,
  GatewayEventMap,
  GatewayEventType,
  KeyRotationEvent,
  PlaintextKeyEvent,
  ProviderAttemptEvent,
  ProviderFallbackEvent,
  ProviderRetryEvent,
  RateLimitDecisionEvent,
  StoreErrorEvent,
  StreamFirstTokenEvent,
  ToolCompleteEvent,
  ToolErrorEvent,
  ToolStartEvent,
} from './events/gateway-events.js';
export type { Provider, ModelCall, ModelResult, StreamPart } from './providers/provider.js';
export { ProviderError } from './providers/provider-error.js';
export { AllProvidersFailedError, type ProviderTried } from './resilience/all-providers-failed-error.js';
export { ProviderFailure, type FailoverReason } from './resilience/provider-failure.js';
export { RateLimitExceededError, RateLimitUnavailableError } from './rate-limit/rate-limit-errors.js';
export type { LimitStatus, RateLimitScope } from './rate-limit/rate-limiter.js';
export type { Observability } from './observability/observability.js';
export type { SecretRedactor } from './secrets/known-secrets.js';
export type { StreamRedactor } from './secrets/secret-scanner.js';
export type { HttpRequestEvent } from './events/gateway-events.js';
export type { StatusSnapshot } from './observability/status/status-snapshot.js';
export { SPAN_NAMES, withSpan } from './observability/tracing/with-span.js';
export type { ResponseCacheControl } from './cache/response-cache.js';
export type { CacheKey } from './cache/cache-key.js';
export type { AuditRecord, CacheHitRecord } from './audit/audit-record.js';
