import type { AgentResponse, AgentToolCall } from '../../executor/agent-response.js';
import type { FinishReason } from '../../providers/provider.js';
import { parseJson, isRecord } from '../../providers/http/json-values.js';
import type { AnthropicMessageResponse, AnthropicResponseBlock, AnthropicStopReason, AnthropicUsage } from './anthropic-types.js';

/** Ours to Anthropic's; `other` (an upstream reason Anthropic has no word for) reads as the end of the turn. */
const STOP_REASONS: Readonly<Record<FinishReason, AnthropicStopReason>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
  other: 'end_turn',
};

/**
 * An answer's `stop_reason`: `stop_sequence` when the upstream said which sequence ended it
 * (Anthropic does; OpenAI's upstreams only say they stopped: `end_turn`), else by its finish
 * reason (a reason of an older cache entry that is not ours: `end_turn`).
 */
export function toAnthropicStopReason(response: Pick<AgentResponse, 'finish_reason' | 'stop_sequence'>): AnthropicStopReason {
  if (response.stop_sequence !== undefined && response.finish_reason === 'stop') return 'stop_sequence';
  return STOP_REASONS[response.finish_reason as FinishReason] ?? 'end_turn';
}

/**
 * Usage as Anthropic counts it: `input_tokens` are the input tokens neither read from nor
 * written to the prompt cache (ours count every input token), the cache counts beside them
 * when the upstream reported them.
 */
export function toAnthropicUsage(usage: AgentResponse['usage']): AnthropicUsage {
  const read = usage.cache_read_input_tokens;
  const written = usage.cache_creation_input_tokens;
  const uncached = Math.max(0, usage.input_tokens - (read ?? 0) - (written ?? 0));
  if (read === undefined && written === undefined) return { input_tokens: uncached, output_tokens: usage.output_tokens };
  return {
    input_tokens: uncached,
    output_tokens: usage.output_tokens,
    ...(written !== undefined ? { cache_creation_input_tokens: written } : {}),
    ...(read !== undefined ? { cache_read_input_tokens: read } : {}),
  };
}

/** The message id of a request: `msg_<request id>`, so a client's id finds the gateway's logs and audit records. */
export function anthropicMessageId(requestId: string): string {
  return `msg_${requestId}`;
}

/**
 * A tool call's arguments as the object `tool_use.input` is. Arguments that are not a JSON
 * object (a model of another vendor cut off mid-JSON) are `{}`: Anthropic clients read an
 * object, and the tool's own check of its input tells the model what went wrong.
 */
export function toAnthropicToolInput(call: AgentToolCall): Readonly<Record<string, unknown>> {
  const parsed = call.arguments === '' ? undefined : parseJson(call.arguments);
  return isRecord(parsed) ? parsed : {};
}

/**
 * An answer as an Anthropic `message`: its text as a text block (always one when there is no
 * tool call, as the API answers), then one `tool_use` block per call with its id, name and
 * input. `model` is what the client asked for (an agent's name or a model's id; which
 * provider and upstream model answered is in the logs and the audit log).
 */
export function toAnthropicMessage(response: AgentResponse, model: string): AnthropicMessageResponse {
  const calls = response.tool_calls ?? [];
  const content: AnthropicResponseBlock[] = response.output !== '' || calls.length === 0 ? [{ type: 'text', text: response.output }] : [];
  for (const call of calls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: toAnthropicToolInput(call) });
  return {
    id: anthropicMessageId(response.request_id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: toAnthropicStopReason(response),
    stop_sequence: response.stop_sequence ?? null,
    usage: toAnthropicUsage(response.usage),
  };
}
