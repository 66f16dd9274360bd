import type { Attributes, Span } from '@opentelemetry/api';
import type { AgentResponse } from '../../executor/agent-response.js';
import { providerKind } from '../../providers/provider-kinds.js';
import type { FinishReason, ModelCall, ModelResult, ProviderType, Usage } from '../../providers/provider.js';

/*
 * OpenTelemetry GenAI semantic-convention attributes, built in one place. Prompt and answer
 * text are never recorded (the conventions make them opt-in; a gateway must not leak them).
 */

/** Wire finish reasons as the conventions spell them. */
const FINISH_REASON: Readonly<Record<FinishReason, string>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  other: 'other',
};

/** Where a provider's requests go, for `server.address` / `server.port`. */
export interface UpstreamAddress {
  readonly address: string;
  readonly port: number;
}

/** Parses a provider `base_url` into `server.*` attributes (undefined for none or a bad URL). */
export function upstreamAddress(baseUrl: string | undefined): UpstreamAddress | undefined {
  if (baseUrl === undefined) return undefined;
  try {
    const url = new URL(baseUrl);
    return { address: url.hostname, port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
  } catch {
    return undefined;
  }
}

/** The span name of an upstream call: `chat {model}`. */
export function chatSpanName(call: ModelCall): string {
  return `chat ${call.model}`;
}

/**
 * Attributes of an upstream call known before it is made. Tools are counted
 * (`ossa.tools.offered`), never described: their schemas are the client's, and the
 * conventions make `gen_ai.tool.definitions` opt-in. `gen_ai.output.type` is `json` for a
 * JSON response format; stop sequences are `gen_ai.request.stop_sequences`.
 */
export function chatAttributes(provider: { name: string; type: ProviderType }, call: ModelCall, server: UpstreamAddress | undefined, streamed: boolean): Attributes {
  const system = providerKind(provider.type).genAiSystem;
  const attributes: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.system': system,
    'gen_ai.provider.name': system,
    'gen_ai.request.model': call.model,
    'gen_ai.request.temperature': call.temperature,
    'gen_ai.request.max_tokens': call.maxTokens,
    'ossa.provider': provider.name,
    'ossa.request.id': call.meta.requestId,
    'ossa.streamed': streamed,
    ...(server ? { 'server.address': server.address, 'server.port': server.port } : {}),
  };
  if (call.tools !== undefined && call.tools.length > 0) attributes['ossa.tools.offered'] = call.tools.length;
  if (call.toolChoice !== undefined) attributes['ossa.tool_choice'] = typeof call.toolChoice === 'string' ? call.toolChoice : 'named';
  if (call.responseFormat !== undefined) attributes['gen_ai.output.type'] = call.responseFormat.type === 'text' ? 'text' : 'json';
  if (call.stop !== undefined && call.stop.length > 0) attributes['gen_ai.request.stop_sequences'] = [...call.stop];
  return attributes;
}

/** What the upstream answered: model, finish reason, token usage, how many tool calls it asked for (`ossa.tool_calls`). */
export function recordModelResult(span: Span, result: Pick<ModelResult, 'model' | 'finishReason' | 'usage'>, toolCalls: number): void {
  if (!span.isRecording()) return;
  span.setAttributes({
    'gen_ai.response.model': result.model,
    'gen_ai.response.finish_reasons': [FINISH_REASON[result.finishReason]],
    'ossa.tool_calls': toolCalls,
    ...usageAttributes(result.usage),
  });
}

/** The span name of an agent execution: `invoke_agent {agent}`. */
export function agentSpanName(agent: string): string {
  return `invoke_agent ${agent}`;
}

/** Attributes of an agent execution known before it starts. */
export function agentAttributes(agent: string, requestId: string): Attributes {
  return { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': agent, 'ossa.request.id': requestId };
}

/** What the execution produced: who answered, usage, finish reason, fallback, attempts. */
export function recordAgentResponse(span: Span, response: AgentResponse): void {
  if (!span.isRecording()) return;
  span.setAttributes({
    'gen_ai.response.model': response.model,
    'gen_ai.response.finish_reasons': [response.finish_reason],
    'gen_ai.usage.input_tokens': response.usage.input_tokens,
    'gen_ai.usage.output_tokens': response.usage.output_tokens,
    'ossa.provider': response.provider,
    'ossa.fallback_used': response.fallback_used,
    'ossa.attempts': response.attempts,
    'ossa.cached': response.cached,
    'ossa.tool_calls': response.tool_calls?.length ?? 0,
  });
}

function usageAttributes(usage: Usage): Attributes {
  return { 'gen_ai.usage.input_tokens': usage.inputTokens, 'gen_ai.usage.output_tokens': usage.outputTokens };
}
