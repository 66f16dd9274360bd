import type { StreamPart, ToolCall } from './provider.js';

type ToolCallPart = Extract<StreamPart, { type: 'tool-call-start' | 'tool-call-delta' | 'tool-call-end' }>;

/**
 * Puts a stream's tool calls back together from their parts, by `index`: each call keeps the
 * id and name of its own start part and only its own argument deltas, however the parts of
 * parallel calls interleave. A delta or end for an index that never started is a broken stream.
 *
 * @example
 * const calls = new ToolCallAssembler();
 * for await (const part of provider.stream(call, signal)) if (isToolCallPart(part)) calls.add(part);
 * calls.toolCalls(); // [{ id: 'call_1', name: 'lookup_order', arguments: '{"id":"A-1"}' }]
 */
export class ToolCallAssembler {
  readonly #calls = new Map<number, { id: string; name: string; arguments: string }>();

  /** Takes one part; returns false when it names an index that has not started (the caller decides what that means). */
  add(part: ToolCallPart): boolean {
    if (part.type === 'tool-call-start') {
      if (this.#calls.has(part.index)) return false;
      this.#calls.set(part.index, { id: part.id, name: part.name, arguments: '' });
      return true;
    }
    const call = this.#calls.get(part.index);
    if (!call) return false;
    if (part.type === 'tool-call-delta') call.arguments += part.argumentsDelta;
    return true;
  }

  get size(): number {
    return this.#calls.size;
  }

  /** The calls so far, ordered by index. */
  toolCalls(): ToolCall[] {
    return [...this.#calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => ({ ...call }));
  }
}

/** True for the three tool-call stream parts. */
export function isToolCallPart(part: StreamPart): part is ToolCallPart {
  return part.type === 'tool-call-start' || part.type === 'tool-call-delta' || part.type === 'tool-call-end';
}
