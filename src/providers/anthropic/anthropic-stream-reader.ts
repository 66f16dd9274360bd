import type { EventSourceMessage } from '../http/sse-decoder.js';
import { countField, isRecord, nameField, parseJson, recordField, stringField } from '../http/json-values.js';
import { isPartList, type ReadParts } from '../http/read-parts.js';
import { invalidResponse } from '../http/upstream-error.js';
import { MAX_TOOL_CALLS, toolIdentifierField } from '../http/wire-tool-calls.js';
import type { ModelCall, StreamPart } from '../provider.js';
import { anthropicFormatTool } from './anthropic-format-tool.js';
import { anthropicStreamError, fromAnthropicAnswerStop, toUsage } from './anthropic-wire.js';

/** The event after which a Messages API stream is complete. */
export function isAnthropicStreamEnd(event: EventSourceMessage): boolean {
  return event.event === 'message_stop';
}

/** An open `tool_use` content block: a client tool call, or the response format's answer. */
interface ToolBlock {
  /** Our tool-call index (ordinal among the answer's tool calls); undefined for the format tool. */
  readonly index: number | undefined;
  /** `content_block_start`'s `input` when it is not empty (some proxies send it whole there). */
  readonly input: Record<string, unknown> | undefined;
  sawDelta: boolean;
}

/**
 * Reads a Messages API event stream, one server-sent event at a time: `message_start`
 * (model, input and cache tokens), `content_block_start` / `content_block_delta` /
 * `content_block_stop` (text deltas; a `tool_use` block as `tool-call-start`, its
 * `input_json_delta`s as `tool-call-delta`s and its stop as `tool-call-end`, indexed by the
 * call's ordinal among the answer's tool calls, not by the content block's index),
 * `message_delta` (stop reason and sequence, output tokens), `message_stop` (the finish part,
 * after an end for any call left open). The `tool_use` block of the response format's tool
 * is the answer, streamed as text parts. `ping` and unknown events are skipped, as the API
 * asks; an `error` event throws.
 */
export class AnthropicStreamReader {
  readonly #provider: string;
  /** The response format's tool, whose input is the answer's text. */
  readonly #formatTool: string | undefined;
  #model: string;
  #input = 0;
  #output = 0;
  #cacheRead = 0;
  #cacheWrite = 0;
  #stopReason: string | undefined;
  #stopSequence: string | undefined;
  /** Open tool blocks by content-block index; allocated at the first one only. */
  #blocks: Map<number, ToolBlock> | undefined;
  #toolCalls = 0;
  #answeredFormat = false;
  /** True once `message_stop` arrived; a stream that ends before is truncated. */
  finished = false;

  constructor(provider: string, call: ModelCall) {
    this.#provider = provider;
    this.#model = call.model;
    this.#formatTool = call.responseFormat === undefined ? undefined : anthropicFormatTool(call)?.name;
  }

  /** One event in; the parts it completes. Throws a `ProviderError`. */
  read(event: EventSourceMessage): ReadParts {
    const data = parseJson(event.data);
    if (!isRecord(data)) throw invalidResponse(this.#provider, 'malformed stream event');
    switch (event.event ?? stringField(data, 'type')) {
      case 'message_start': {
        const message = recordField(data, 'message');
        this.#model = nameField(message, 'model') ?? this.#model;
        this.#readUsage(recordField(message, 'usage'));
        return undefined;
      }
      case 'content_block_start':
        return this.#startBlock(data);
      case 'content_block_delta': {
        const delta = recordField(data, 'delta');
        const type = stringField(delta, 'type');
        if (type === 'text_delta') {
          const text = stringField(delta, 'text');
          return text ? { type: 'text', text } : undefined;
        }
        if (type !== 'input_json_delta') return undefined;
        const block = this.#block(data);
        const json = stringField(delta, 'partial_json');
        if (block === undefined || !json) return undefined;
        block.sawDelta = true;
        return block.index === undefined ? { type: 'text', text: json } : { type: 'tool-call-delta', index: block.index, argumentsDelta: json };
      }
      case 'content_block_stop': {
        const block = this.#block(data);
        if (block === undefined) return undefined;
        this.#blocks!.delete(countField(data, 'index')!);
        return this.#endBlock(block);
      }
      case 'message_delta': {
        const delta = recordField(data, 'delta');
        this.#stopReason = stringField(delta, 'stop_reason') ?? this.#stopReason;
        this.#stopSequence = stringField(delta, 'stop_sequence') ?? this.#stopSequence;
        // message_delta's usage is cumulative: what it says replaces what message_start said.
        this.#readUsage(recordField(data, 'usage'));
        return undefined;
      }
      case 'message_stop':
        return this.#finish();
      case 'error':
        throw anthropicStreamError(this.#provider, data.error);
      default:
        return undefined;
    }
  }

  #startBlock(data: Record<string, unknown>): ReadParts {
    const block = recordField(data, 'content_block');
    const type = stringField(block, 'type');
    if (type === 'text') {
      // A text block may start with text already in it (the API sends it empty).
      const text = stringField(block, 'text');
      return text ? { type: 'text', text } : undefined;
    }
    if (type !== 'tool_use') return undefined;
    const blockIndex = countField(data, 'index');
    const id = toolIdentifierField(block, 'id');
    const name = toolIdentifierField(block, 'name');
    if (blockIndex === undefined || id === undefined || name === undefined) throw invalidResponse(this.#provider, 'tool_use block without an index, an id or a name');
    const input = recordField(block, 'input');
    const given = input !== undefined && Object.keys(input).length > 0 ? input : undefined;
    const blocks = (this.#blocks ??= new Map());
    if (name === this.#formatTool && !this.#answeredFormat) {
      this.#answeredFormat = true;
      blocks.set(blockIndex, { index: undefined, input: given, sawDelta: false });
      return undefined;
    }
    if (this.#toolCalls >= MAX_TOOL_CALLS) throw invalidResponse(this.#provider, `more than ${MAX_TOOL_CALLS} tool calls`);
    const index = this.#toolCalls++;
    blocks.set(blockIndex, { index, input: given, sawDelta: false });
    return { type: 'tool-call-start', index, id, name };
  }

  /** The open tool block an event names by its `index`, if any. */
  #block(data: Record<string, unknown>): ToolBlock | undefined {
    const blockIndex = countField(data, 'index');
    return blockIndex === undefined ? undefined : this.#blocks?.get(blockIndex);
  }

  /** A block's end; its input first when it came whole in the start event and no delta followed. */
  #endBlock(block: ToolBlock): ReadParts {
    const whole = block.input !== undefined && !block.sawDelta ? JSON.stringify(block.input) : undefined;
    if (block.index === undefined) return whole === undefined ? undefined : { type: 'text', text: whole };
    const end: StreamPart = { type: 'tool-call-end', index: block.index };
    return whole === undefined ? end : [{ type: 'tool-call-delta', index: block.index, argumentsDelta: whole }, end];
  }

  #readUsage(usage: Record<string, unknown> | undefined): void {
    if (usage === undefined) return;
    this.#input = countField(usage, 'input_tokens') ?? this.#input;
    this.#output = countField(usage, 'output_tokens') ?? this.#output;
    this.#cacheRead = countField(usage, 'cache_read_input_tokens') ?? this.#cacheRead;
    this.#cacheWrite = countField(usage, 'cache_creation_input_tokens') ?? this.#cacheWrite;
  }

  #finish(): ReadParts {
    this.finished = true;
    const usage = toUsage(this.#input, this.#output, this.#cacheRead, this.#cacheWrite);
    const finishReason = fromAnthropicAnswerStop(this.#stopReason, this.#answeredFormat, this.#toolCalls > 0);
    const finish: StreamPart =
      this.#stopSequence === undefined
        ? { type: 'finish', model: this.#model, provider: this.#provider, usage, finishReason }
        : { type: 'finish', model: this.#model, provider: this.#provider, usage, finishReason, stopSequence: this.#stopSequence };
    if (this.#blocks === undefined || this.#blocks.size === 0) return finish;
    // Blocks never stopped: end them (in index order) so no call is left open before the finish.
    const parts: StreamPart[] = [];
    for (const [, block] of [...this.#blocks].sort(([a], [b]) => a - b)) {
      const read = this.#endBlock(block);
      if (read === undefined) continue;
      if (isPartList(read)) parts.push(...read);
      else parts.push(read);
    }
    this.#blocks.clear();
    parts.push(finish);
    return parts;
  }
}
