import type { ResponsesItemStatus, ResponsesOutputItem, ResponsesOutputText, ResponsesStreamEvent } from './responses-types.js';

/** An output item while it is being written. */
type Slot =
  | { readonly kind: 'message'; readonly id: string; text: string; status: ResponsesItemStatus }
  | { readonly kind: 'call'; readonly id: string; readonly callId: string; readonly name: string; arguments: string; status: ResponsesItemStatus };

/** The message id of the item at `outputIndex` of a request's response: `msg_<request id>_<index>`. */
export function responsesMessageId(requestId: string, outputIndex: number): string {
  return `msg_${requestId}_${outputIndex}`;
}

/** The item id of a function call: `fc_<call id>` (the call id itself is the item's `call_id`). */
export function responsesFunctionCallId(callId: string): string {
  return `fc_${callId}`;
}

/**
 * The `output` items of one response, built from the answer as it arrives, and the stream
 * events that announce them when `emit` is given (a response answered whole uses the same
 * builder without it, so both answers always hold the same items):
 *
 * - text opens a `message` item (`output_item.added`, `content_part.added` with an empty
 *   `output_text`), each piece is an `output_text.delta`;
 * - a tool call closes the open message (`output_text.done`, `content_part.done`,
 *   `output_item.done`) and opens a `function_call` item with its `call_id` and `name`; its
 *   argument pieces are `function_call_arguments.delta`, its end `.done` and `output_item.done`.
 *   Parallel calls keep their own item (the stream index of the call picks it), interleaved or
 *   not; text after a call opens a new message;
 * - `finish` closes what is still open (`incomplete` for an answer cut by its token limit) and
 *   returns the items; an answer with neither text nor calls is one empty message.
 *
 * Each kind of item is one `Slot` kind: a step the gateway runs itself (a manifest tool, once
 * agents run them) would be another kind, with its own open and close events, here.
 */
export class ResponsesOutput {
  readonly #slots: Slot[] = [];
  /** The open message's position in `#slots`, or -1. */
  #message = -1;
  /** The position in `#slots` of each open tool call, by its stream index. */
  readonly #calls = new Map<number, number>();

  constructor(
    private readonly requestId: string,
    private readonly emit?: (event: ResponsesStreamEvent) => void,
  ) {}

  /** More of the answer's text. */
  text(delta: string): void {
    if (this.#message === -1) {
      this.#message = this.#open({ kind: 'message', id: responsesMessageId(this.requestId, this.#slots.length), text: '', status: 'in_progress' });
      const slot = this.#slots[this.#message]!;
      this.emit?.({ type: 'response.content_part.added', item_id: slot.id, output_index: this.#message, content_index: 0, part: outputText('') });
    }
    if (delta === '') return;
    const slot = this.#slots[this.#message] as Extract<Slot, { kind: 'message' }>;
    slot.text += delta;
    this.emit?.({ type: 'response.output_text.delta', item_id: slot.id, output_index: this.#message, content_index: 0, delta, logprobs: [] });
  }

  /** A tool call begins (`index`: its position among the answer's calls). */
  callStart(index: number, callId: string, name: string): void {
    this.#closeMessage('completed');
    this.#calls.set(index, this.#open({ kind: 'call', id: responsesFunctionCallId(callId), callId, name, arguments: '', status: 'in_progress' }));
  }

  /** More of the arguments of the call at `index`. */
  callDelta(index: number, delta: string): void {
    const at = this.#calls.get(index);
    if (at === undefined || delta === '') return;
    const slot = this.#slots[at] as Extract<Slot, { kind: 'call' }>;
    slot.arguments += delta;
    this.emit?.({ type: 'response.function_call_arguments.delta', item_id: slot.id, output_index: at, delta });
  }

  /** The call at `index` is complete. */
  callEnd(index: number, status: ResponsesItemStatus = 'completed'): void {
    const at = this.#calls.get(index);
    if (at === undefined) return;
    this.#calls.delete(index);
    const slot = this.#slots[at] as Extract<Slot, { kind: 'call' }>;
    slot.status = status;
    this.emit?.({ type: 'response.function_call_arguments.done', item_id: slot.id, output_index: at, name: slot.name, arguments: slot.arguments });
    this.emit?.({ type: 'response.output_item.done', output_index: at, item: itemOf(slot) });
  }

  /** Closes every open item (`incomplete`: the answer was cut short) and returns the output. */
  finish(status: 'completed' | 'incomplete'): ResponsesOutputItem[] {
    if (this.#slots.length === 0) this.text('');
    this.#closeMessage(status);
    for (const index of [...this.#calls.keys()]) this.callEnd(index, status);
    return this.#slots.map(itemOf);
  }

  /** The output of an answer that failed midway: what was written, open items `incomplete`. No event. */
  abandon(): ResponsesOutputItem[] {
    return this.#slots.map((slot) => itemOf(slot.status === 'in_progress' ? { ...slot, status: 'incomplete' } : slot));
  }

  #open(slot: Slot): number {
    const at = this.#slots.push(slot) - 1;
    this.emit?.({ type: 'response.output_item.added', output_index: at, item: itemOf(slot) });
    return at;
  }

  #closeMessage(status: ResponsesItemStatus): void {
    if (this.#message === -1) return;
    const at = this.#message;
    this.#message = -1;
    const slot = this.#slots[at] as Extract<Slot, { kind: 'message' }>;
    slot.status = status;
    if (!this.emit) return;
    this.emit({ type: 'response.output_text.done', item_id: slot.id, output_index: at, content_index: 0, text: slot.text, logprobs: [] });
    this.emit({ type: 'response.content_part.done', item_id: slot.id, output_index: at, content_index: 0, part: outputText(slot.text) });
    this.emit({ type: 'response.output_item.done', output_index: at, item: itemOf(slot) });
  }
}

function outputText(text: string): ResponsesOutputText {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** A slot as the wire item: a message added has no content yet, as OpenAI announces it. */
function itemOf(slot: Slot): ResponsesOutputItem {
  if (slot.kind === 'call') return { type: 'function_call', id: slot.id, status: slot.status, call_id: slot.callId, name: slot.name, arguments: slot.arguments };
  const content = slot.status === 'in_progress' && slot.text === '' ? [] : [outputText(slot.text)];
  return { type: 'message', id: slot.id, status: slot.status, role: 'assistant', content };
}
