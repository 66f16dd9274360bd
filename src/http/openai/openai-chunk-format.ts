import type { AgentResponse } from '../../executor/agent-response.js';
import type { HttpProblem } from '../problem.js';
import { sseFrame } from '../streaming/sse-frame.js';
import type { StreamWireFormat } from '../streaming/stream-frames.js';
import type { OpenAIChatCompletionChunk, OpenAIFinishReason } from './openai-types.js';
import { toOpenAIError } from './to-openai-error.js';
import { toOpenAIFinishReason, toOpenAIUsage } from './to-openai-chat-completion.js';

/** The fields every chunk of one completion shares. */
export interface ChunkIdentity {
  readonly id: string;
  /** Unix seconds, the same on every chunk. */
  readonly created: number;
  /** The agent's name, as the client asked for it. */
  readonly model: string;
  /** `stream_options.include_usage`. */
  readonly includeUsage: boolean;
}

/**
 * A streamed completion as OpenAI sends it: `data: {chat.completion.chunk}` frames, the first
 * with `delta: {role: "assistant", content: ""}`, one per text piece with `delta: {content}`,
 * for each tool call a first chunk with `delta.tool_calls: [{index, id, type: "function",
 * function: {name, arguments: ""}}]` and then its argument pieces as
 * `[{index, function: {arguments}}]` (the index tells parallel calls apart), one with an empty
 * delta and the `finish_reason` (`tool_calls` when the answer asks for them), then (with `include_usage`) one with
 * `choices: []` and the usage (every earlier chunk then has `usage: null`), and `data: [DONE]`.
 * A failure after the first chunk ends the stream with `data: {"error": {...}}` and no
 * `[DONE]`, as OpenAI does; its SDKs raise it as an `APIError`.
 */
export function openAIChunkFormat(identity: ChunkIdentity): StreamWireFormat {
  const chunk = (delta: OpenAIChatCompletionChunk['choices'][number]['delta'], finishReason: OpenAIFinishReason | null): string =>
    sseFrame({
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(identity.includeUsage ? { usage: null } : {}),
    } satisfies OpenAIChatCompletionChunk);
  const step = (ossaStep: Record<string, unknown>): string =>
    sseFrame({
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: null }],
      ...(identity.includeUsage ? { usage: null } : {}),
      ossa_step: ossaStep,
    });
  return {
    start: () => chunk({ role: 'assistant', content: '' }, null),
    delta: (text: string) => chunk({ content: text }, null),
    toolCallStart: (index, id, name) => chunk({ tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] }, null),
    toolCallDelta: (index, argumentsDelta) => (argumentsDelta === '' ? '' : chunk({ tool_calls: [{ index, function: { arguments: argumentsDelta } }] }, null)),
    toolCallEnd: () => '',
    // The gateway's own tool steps: an empty delta (nothing for an SDK to add) with the step in `ossa_step`.
    toolRun: ({ id, name, arguments: args, kind }) => step({ type: 'tool_call', id, name, arguments: args, kind }),
    toolResult: ({ type: _type, ...result }) => step({ type: 'tool_result', ...result }),
    done: (response: AgentResponse) => {
      const usage = identity.includeUsage
        ? sseFrame({ id: identity.id, object: 'chat.completion.chunk', created: identity.created, model: identity.model, choices: [], usage: toOpenAIUsage(response.usage) } satisfies OpenAIChatCompletionChunk)
        : '';
      return `${chunk({}, toOpenAIFinishReason(response.finish_reason))}${usage}${sseFrame('[DONE]')}`;
    },
    error: (problem: HttpProblem) => sseFrame(toOpenAIError(problem)),
  };
}
