import type { AgentResponse } from '../../executor/agent-response.js';
import type { FinishReason } from '../../providers/provider.js';
import type { OpenAIChatCompletion, OpenAIFinishReason, OpenAIToolCall, OpenAIUsage } from './openai-types.js';

/** Ours to OpenAI's; `other` (an upstream reason OpenAI has no word for) reads as a normal stop. */
const FINISH_REASONS: Readonly<Record<FinishReason, OpenAIFinishReason>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  other: 'stop',
};

/** An `AgentResponse.finish_reason` as OpenAI spells it (a reason from an older cache entry that is not ours: `stop`). */
export function toOpenAIFinishReason(reason: string): OpenAIFinishReason {
  return FINISH_REASONS[reason as FinishReason] ?? 'stop';
}

/** An `AgentResponse.usage` as OpenAI's `usage`. */
export function toOpenAIUsage(usage: AgentResponse['usage']): OpenAIUsage {
  return { prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens, total_tokens: usage.total_tokens };
}

/** The completion id of a request: `chatcmpl-<request id>`, so a client's id finds the gateway's logs and audit records. */
export function openAICompletionId(requestId: string): string {
  return `chatcmpl-${requestId}`;
}

/**
 * An agent's answer as an OpenAI `chat.completion`. `model` is the agent's name, the model the
 * client asked for (which provider and upstream model answered is in the logs and the audit
 * log, and in the native API's body). `created` is Unix seconds.
 */
export function toOpenAIChatCompletion(response: AgentResponse, created: number): OpenAIChatCompletion {
  return {
    id: openAICompletionId(response.request_id),
    object: 'chat.completion',
    created,
    model: response.agent.name,
    choices: [{ index: 0, message: toOpenAIMessage(response), logprobs: null, finish_reason: toOpenAIFinishReason(response.finish_reason) }],
    usage: toOpenAIUsage(response.usage),
  };
}

/** The answer's message: its text, and its tool calls (then `content` is null when there is no text, as OpenAI answers). */
function toOpenAIMessage(response: AgentResponse): OpenAIChatCompletion['choices'][number]['message'] {
  const calls = response.tool_calls;
  if (calls === undefined || calls.length === 0) return { role: 'assistant', content: response.output, refusal: null };
  const toolCalls: OpenAIToolCall[] = calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
  return { role: 'assistant', content: response.output === '' ? null : response.output, refusal: null, tool_calls: toolCalls };
}
