import type { ToolCall } from '../../providers/provider.js';
import { InvalidFieldError, type FieldPath } from './invalid-field-error.js';

/**
 * Checks, message by message, that a conversation's tool results answer its tool calls the
 * way OpenAI and Anthropic require: the results of an assistant turn's calls come right after
 * it (before the next user or assistant message), each call is answered once, and a result
 * names a call that was made. Call ids are unique across the conversation. Fed in order;
 * every failure is an `InvalidFieldError` at the field to fix.
 *
 * @example
 * const ledger = new ToolResultLedger();
 * ledger.assistant([{ id: 'call_1', name: 'lookup', arguments: '{}' }], ['messages', 1]);
 * ledger.result('call_1', ['messages', 2]);
 * ledger.end();
 */
export class ToolResultLedger {
  /** Every call id seen so far. */
  readonly #seen = new Set<string>();
  /** The calls of the latest assistant turn not answered yet, with where each was made. */
  readonly #pending = new Map<string, { readonly name: string; readonly path: FieldPath }>();

  /**
   * An assistant message, with its tool calls (`path`: the message; call `i` is at
   * `path.tool_calls[i]`, or where `callAt(i)` says: Anthropic's calls are blocks among others).
   */
  assistant(calls: readonly ToolCall[] | undefined, path: FieldPath, callsKey = 'tool_calls', callAt?: (index: number) => FieldPath): void {
    this.calls(calls?.map((call, index) => ({ call, path: [...(callAt ? callAt(index) : [...path, callsKey, index]), 'id'] })) ?? []);
  }

  /**
   * An assistant turn whose calls sit each at its own field (`path`: where the call's id is),
   * as in the Responses API, where every `function_call` is an item of its own.
   */
  calls(calls: readonly { readonly call: ToolCall; readonly path: FieldPath }[]): void {
    this.turn();
    for (const { call, path } of calls) {
      if (this.#seen.has(call.id)) throw new InvalidFieldError(path, `repeats the tool call id ${JSON.stringify(call.id)}: every tool call needs its own id`);
      this.#seen.add(call.id);
      this.#pending.set(call.id, { name: call.name, path });
    }
  }

  /** A user message: the previous turn's calls must all have been answered. */
  user(): void {
    this.turn();
  }

  /** A tool message answering `callId` (`path`: the field holding the id). */
  result(callId: string, path: FieldPath): void {
    if (this.#pending.delete(callId)) return;
    if (this.#seen.has(callId)) {
      throw new InvalidFieldError(path, `answers the tool call ${JSON.stringify(callId)} again, or after a later message: each call is answered once, by tool messages right after the assistant message that made it`);
    }
    throw new InvalidFieldError(path, `names no tool call of an earlier assistant message (${JSON.stringify(callId)})`);
  }

  /** The conversation is over: the last turn's calls must all have been answered. */
  end(): void {
    this.turn();
  }

  private turn(): void {
    if (this.#pending.size === 0) return;
    const first = this.#pending.entries().next();
    if (first.done) return;
    const [id, { name, path }] = first.value;
    throw new InvalidFieldError(path, `(${JSON.stringify(id)}, ${name}) has no tool message answering it: the results of an assistant message's tool calls must follow it, one per call`);
  }
}
