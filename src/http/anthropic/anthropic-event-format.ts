import type { AgentResponse } from '../../executor/agent-response.js';
import type { HttpProblem } from '../problem.js';
import { sseFrame } from '../streaming/sse-frame.js';
import type { StreamWireFormat } from '../streaming/stream-frames.js';
import { toAnthropicError } from './to-anthropic-error.js';
import { toAnthropicStopReason, toAnthropicUsage } from './to-anthropic-message.js';

/** The fields every event of one streamed message shares. */
export interface MessageIdentity {
  readonly id: string;
  /** What the client asked for: an agent's name or a model's id. */
  readonly model: string;
  readonly requestId: string;
}

/** A block not yet written because another one is open: text, or a tool call with the arguments seen so far. */
type PendingBlock =
  | { readonly kind: 'text'; text: string }
  | { readonly kind: 'tool'; readonly index: number; readonly id: string; readonly name: string; args: string; ended: boolean };

function event(type: string, data: Record<string, unknown>): string {
  return sseFrame({ type, ...data }, type);
}

/**
 * A streamed answer as Anthropic sends it: `message_start` (the message with empty content,
 * `stop_reason: null`, zero usage) and a `ping`; per content block a `content_block_start`
 * (`text` with `""`, or `tool_use` with its id, name and `input: {}`), its
 * `content_block_delta`s (`text_delta`, `input_json_delta` with `partial_json`) and a
 * `content_block_stop`, blocks numbered from 0 in order; then `message_delta` with the
 * `stop_reason`, `stop_sequence` and the usage (input and cache counts too, which are known only
 * at the end here), and `message_stop`. A failure after the first event ends the stream with an
 * `error` event in Anthropic's error shape, and no `message_stop`.
 *
 * Anthropic's blocks never overlap, and clients assemble them by index. So one block is open
 * at a time: a tool call that starts while another is open (parallel calls from an upstream
 * that interleaves them) is held, with its argument pieces, and written whole once the open
 * one ends; each call keeps its own id, name and arguments. An answer with no tool call
 * always has a text block, as the API answers.
 */
export function anthropicEventFormat(identity: MessageIdentity): StreamWireFormat {
  let nextIndex = 0;
  let open: { readonly kind: 'text' } | { readonly kind: 'tool'; readonly index: number } | undefined;
  let wroteText = false;
  let wroteTool = false;
  const pending: PendingBlock[] = [];

  const stopOpen = (): string => {
    if (open === undefined) return '';
    open = undefined;
    return event('content_block_stop', { index: nextIndex++ });
  };
  const startText = (): string => {
    open = { kind: 'text' };
    wroteText = true;
    return event('content_block_start', { index: nextIndex, content_block: { type: 'text', text: '' } });
  };
  const textDelta = (text: string): string => event('content_block_delta', { index: nextIndex, delta: { type: 'text_delta', text } });
  const startTool = (index: number, id: string, name: string): string => {
    open = { kind: 'tool', index };
    wroteTool = true;
    return event('content_block_start', { index: nextIndex, content_block: { type: 'tool_use', id, name, input: {} } });
  };
  const argsDelta = (partial: string): string => event('content_block_delta', { index: nextIndex, delta: { type: 'input_json_delta', partial_json: partial } });
  /** Writes held blocks until one of them stays open (a call not ended yet). */
  const flushPending = (): string => {
    let out = '';
    while (open === undefined && pending.length > 0) {
      const block = pending.shift()!;
      if (block.kind === 'text') {
        out += startText() + textDelta(block.text);
        // The last held block may still get text; one held before others is complete.
        if (pending.length > 0) out += stopOpen();
        continue;
      }
      out += startTool(block.index, block.id, block.name);
      if (block.args !== '') out += argsDelta(block.args);
      if (block.ended) out += stopOpen();
    }
    return out;
  };

  return {
    start: () =>
      event('message_start', {
        message: { id: identity.id, type: 'message', role: 'assistant', model: identity.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
      }) + event('ping', {}),
    delta: (text) => {
      if (open?.kind === 'text') return textDelta(text);
      if (open === undefined) return startText() + textDelta(text);
      const last = pending.at(-1);
      if (last?.kind === 'text') last.text += text;
      else pending.push({ kind: 'text', text });
      return '';
    },
    toolCallStart: (index, id, name) => {
      if (open?.kind === 'text' && pending.length === 0) return stopOpen() + startTool(index, id, name);
      if (open === undefined && pending.length === 0) return startTool(index, id, name);
      pending.push({ kind: 'tool', index, id, name, args: '', ended: false });
      return '';
    },
    toolCallDelta: (index, argumentsDelta) => {
      if (argumentsDelta === '') return '';
      if (open?.kind === 'tool' && open.index === index) return argsDelta(argumentsDelta);
      const held = pending.find((block) => block.kind === 'tool' && block.index === index);
      if (held?.kind === 'tool') held.args += argumentsDelta;
      return '';
    },
    toolCallEnd: (index) => {
      if (open?.kind === 'tool' && open.index === index) return stopOpen() + flushPending();
      const held = pending.find((block) => block.kind === 'tool' && block.index === index);
      if (held?.kind === 'tool') held.ended = true;
      return '';
    },
    done: (response: AgentResponse) => {
      let out = '';
      // Whatever is still open or held is complete now: written in order.
      while (open !== undefined || pending.length > 0) {
        out += stopOpen();
        for (const block of pending) if (block.kind === 'tool') block.ended = true;
        out += flushPending();
      }
      if (!wroteText && !wroteTool) out += startText() + stopOpen();
      const usage = toAnthropicUsage(response.usage);
      return (
        out +
        event('message_delta', { delta: { stop_reason: toAnthropicStopReason(response), stop_sequence: response.stop_sequence ?? null }, usage }) +
        event('message_stop', {})
      );
    },
    error: (problem: HttpProblem) => event('error', toAnthropicError(problem, identity.requestId) as unknown as Record<string, unknown>),
  };
}
