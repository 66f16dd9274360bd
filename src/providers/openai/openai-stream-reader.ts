import type { EventSourceMessage } from '../http/sse-decoder.js';
import { isRecord, nameField, parseJson, recordField, stringField } from '../http/json-values.js';
import type { ReadParts } from '../http/read-parts.js';
import { invalidResponse } from '../http/upstream-error.js';
import { argumentsText, generatedToolCallId, MAX_TOOL_CALLS, toolIdentifierField } from '../http/wire-tool-calls.js';
import type { ModelCall, StreamPart, Usage } from '../provider.js';
import { fromOpenAIFinishReason, fromOpenAIUsage, openAIStreamError, withToolCallsFinish } from './openai-wire.js';

/** The `data: [DONE]` terminator after which a Chat Completions stream is complete. */
export function isOpenAIStreamEnd(event: EventSourceMessage): boolean {
  return event.data === '[DONE]';
}

/** Arguments held for a call whose name has not arrived yet, at most this many characters. */
const MAX_HELD_ARGUMENTS = 64 * 1024;

/** One tool call of the answer, as its deltas arrive. */
interface WireCall {
  /** Our index (the order calls started in); undefined until the name arrives. */
  index: number | undefined;
  id: string | undefined;
  /** The id came from the wire (not generated): a different one at the same index is another call. */
  wireId: boolean;
  /** Arguments that arrived before the name. */
  held: string;
  ended: boolean;
}

/**
 * Reads a Chat Completions stream, one `data:` chunk at a time: `choices[0].delta.content`
 * (or `refusal`, then finished as `content_filter`) becomes text parts, `delta.tool_calls[]` tool-call parts, `finish_reason`, `model` and
 * `usage` are remembered (usage comes in the last, choice-less chunk), and `[DONE]` gives the
 * finish part.
 *
 * Tool calls are told apart by their wire `index`: the first delta of a call brings its id and
 * name (one `tool-call-start`, never a second for the same call), later ones pieces of its
 * arguments (`tool-call-delta`, however the calls interleave). A delta with a new id at an index
 * already in use starts another call (Ollama numbers every parallel call 0); a call without an
 * id gets a generated one. Every open call ends (`tool-call-end`) at `finish_reason`, or at
 * `[DONE]` at the latest, before the finish part.
 */
export class OpenAIStreamReader {
  readonly #provider: string;
  #model: string;
  #usage: Usage = { inputTokens: 0, outputTokens: 0 };
  #finishReason: string | undefined;
  /** Every call in the order it appeared; allocated at the first tool-call delta only. */
  #calls: WireCall[] | undefined;
  /** The latest call seen at each wire index. */
  #byIndex: Map<number, WireCall> | undefined;
  #last: WireCall | undefined;
  #started = 0;
  #refused = false;
  /** True once `[DONE]` arrived; a stream that ends before is truncated. */
  finished = false;

  constructor(provider: string, call: ModelCall) {
    this.#provider = provider;
    this.#model = call.model;
  }

  /** One event in; the parts it completes. Throws a `ProviderError`. */
  read(event: EventSourceMessage): ReadParts {
    if (isOpenAIStreamEnd(event)) return this.#finish();
    const chunk = parseJson(event.data);
    if (!isRecord(chunk)) throw invalidResponse(this.#provider, 'malformed stream chunk');
    if (chunk.error !== undefined && chunk.error !== null) throw openAIStreamError(this.#provider, chunk);
    this.#model = nameField(chunk, 'model') ?? this.#model;
    this.#usage = fromOpenAIUsage(chunk.usage, this.#usage);
    const choice: unknown = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    const finishReason = stringField(choice, 'finish_reason');
    this.#finishReason = finishReason ?? this.#finishReason;
    const delta = recordField(choice, 'delta');
    let text = stringField(delta, 'content');
    if (!text && delta?.refusal !== undefined && delta.refusal !== null) {
      // A refusal streams in its own field: its words are the answer, finished as content_filter.
      text = stringField(delta, 'refusal');
      if (text) this.#refused = true;
    }
    const toolCalls = delta?.tool_calls;
    if (!Array.isArray(toolCalls) && (finishReason === undefined || this.#calls === undefined)) {
      return text ? { type: 'text', text } : undefined;
    }
    const parts: StreamPart[] = text ? [{ type: 'text', text }] : [];
    if (Array.isArray(toolCalls)) for (const item of toolCalls as unknown[]) this.#readToolCall(item, parts);
    if (finishReason !== undefined) this.#endCalls(parts);
    return parts;
  }

  #readToolCall(item: unknown, parts: StreamPart[]): void {
    if (!isRecord(item)) return;
    const wireIndex = typeof item.index === 'number' && Number.isInteger(item.index) ? item.index : undefined;
    const id = toolIdentifierField(item, 'id');
    const fn = recordField(item, 'function');
    const name = toolIdentifierField(fn, 'name');
    const args = fn?.arguments === undefined || fn.arguments === null ? '' : argumentsText(fn.arguments);
    const calls = (this.#calls ??= []);
    const byIndex = (this.#byIndex ??= new Map());
    let call = wireIndex === undefined ? this.#last : byIndex.get(wireIndex);
    if (call !== undefined && id !== undefined && call.wireId && id !== call.id) call = undefined;
    if (call === undefined) {
      if (calls.length >= MAX_TOOL_CALLS) throw invalidResponse(this.#provider, `more than ${MAX_TOOL_CALLS} tool calls`);
      call = { index: undefined, id, wireId: id !== undefined, held: '', ended: false };
      calls.push(call);
      if (wireIndex !== undefined) byIndex.set(wireIndex, call);
    } else if (call.id === undefined && id !== undefined) {
      call.id = id;
      call.wireId = true;
    }
    this.#last = call;
    if (call.ended) return;
    if (call.index === undefined) {
      if (name === undefined) {
        call.held += args;
        if (call.held.length > MAX_HELD_ARGUMENTS) throw invalidResponse(this.#provider, 'tool call arguments without a name');
        return;
      }
      call.index = this.#started++;
      call.id ??= generatedToolCallId();
      parts.push({ type: 'tool-call-start', index: call.index, id: call.id, name });
      if (call.held !== '') parts.push({ type: 'tool-call-delta', index: call.index, argumentsDelta: call.held });
      call.held = '';
    }
    if (args !== '') parts.push({ type: 'tool-call-delta', index: call.index, argumentsDelta: args });
  }

  /** Ends every started call, in index order; a call that never got a name is a broken stream. */
  #endCalls(parts: StreamPart[]): void {
    if (this.#calls === undefined) return;
    const open = this.#calls.filter((call) => !call.ended);
    if (open.some((call) => call.index === undefined)) throw invalidResponse(this.#provider, 'tool call without a name');
    open.sort((a, b) => a.index! - b.index!);
    for (const call of open) {
      call.ended = true;
      parts.push({ type: 'tool-call-end', index: call.index! });
    }
  }

  #finish(): ReadParts {
    this.finished = true;
    const finish: StreamPart = {
      type: 'finish',
      model: this.#model,
      provider: this.#provider,
      usage: this.#usage,
      // No finish_reason at all but tool calls: they are why it stopped.
      finishReason: this.#refused
        ? 'content_filter'
        : withToolCallsFinish(fromOpenAIFinishReason(this.#finishReason ?? (this.#started > 0 ? 'tool_calls' : undefined)), this.#started),
    };
    if (this.#calls === undefined) return finish;
    const parts: StreamPart[] = [];
    this.#endCalls(parts);
    parts.push(finish);
    return parts;
  }
}
