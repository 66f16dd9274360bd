import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart } from '../provider.js';
import { ProviderError } from '../provider-error.js';
import { echoAnswer, echoUsage } from './echo-answer.js';

/** The model name every echo result reports, whatever model the call asked for. */
export const ECHO_MODEL = 'echo';

/** Options of the offline echo provider. */
export interface EchoProviderOptions {
  /** The configured name (`providers.<name>`); every result carries it. */
  readonly name: string;
  /**
   * Simulated latency (default 0): `complete` waits this long once; `stream` waits this long
   * before each word, so a demo shows tokens arriving. Abortable.
   */
  readonly delayMs?: number;
}

/**
 * An offline, deterministic `Provider` for demos, tests and load tests: no network, no key.
 *
 * The answer is `"[echo] " + <content of the last user message>` (just `"[echo]"` when there
 * is no user message); with tools, tool results or a response format it follows the rule of
 * `echoAnswer`: it calls a tool the call forces or the user names, answers tool results with
 * their content, and writes JSON that fits a requested schema. `model` is always `"echo"`
 * (`ECHO_MODEL`), so records never suggest a real model answered. Usage counts
 * whitespace-separated words: input over the system prompt and every message, output over the
 * answer (and tool-call arguments). `finishReason` is `tool_calls` when it called tools, else
 * `stop`. `stream` yields the answer word by word (each word with its following whitespace, so
 * the parts join to the same text), or each tool call as a start, its arguments in pieces and
 * an end, then the finish part.
 *
 * @example
 * const echo = new EchoProvider({ name: 'echo' });
 * (await echo.complete(call, signal)).text; // '[echo] What is OSSA?'
 */
export class EchoProvider implements Provider {
  readonly name: string;
  readonly type: ProviderType = 'echo';
  readonly #delayMs: number;

  constructor(options: EchoProviderOptions) {
    this.name = options.name;
    this.#delayMs = options.delayMs ?? 0;
  }

  /** The echo answer, after `delayMs`. Rejects with an `aborted` `ProviderError` if `signal` fires. */
  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    this.#throwIfAborted(signal);
    await this.#delay(signal);
    const answer = echoAnswer(call);
    const usage = echoUsage(call, answer);
    if (answer.toolCalls === undefined) return { text: answer.text, model: ECHO_MODEL, provider: this.name, usage, finishReason: 'stop' };
    return { text: answer.text, toolCalls: answer.toolCalls, model: ECHO_MODEL, provider: this.name, usage, finishReason: 'tool_calls' };
  }

  /** The echo answer word by word, or tool call by tool call (each part after `delayMs`), then the finish part. */
  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    this.#throwIfAborted(signal);
    const answer = echoAnswer(call);
    for (const word of answer.text.match(/\S+\s*/g) ?? []) {
      await this.#delay(signal);
      this.#throwIfAborted(signal);
      yield { type: 'text', text: word };
    }
    const toolCalls = answer.toolCalls ?? [];
    for (const [index, toolCall] of toolCalls.entries()) {
      const parts: StreamPart[] = [
        { type: 'tool-call-start', index, id: toolCall.id, name: toolCall.name },
        ...argumentPieces(toolCall.arguments).map((piece): StreamPart => ({ type: 'tool-call-delta', index, argumentsDelta: piece })),
        { type: 'tool-call-end', index },
      ];
      for (const part of parts) {
        await this.#delay(signal);
        this.#throwIfAborted(signal);
        yield part;
      }
    }
    const usage = echoUsage(call, answer);
    yield { type: 'finish', model: ECHO_MODEL, provider: this.name, usage, finishReason: toolCalls.length > 0 ? 'tool_calls' : 'stop' };
  }

  #throwIfAborted(signal: AbortSignal): void {
    if (signal.aborted) throw this.#aborted(signal);
  }

  #aborted(signal: AbortSignal): ProviderError {
    return new ProviderError(`${this.name}: request aborted by the caller`, {
      provider: this.name,
      kind: 'aborted',
      retryable: false,
      cause: signal.reason,
    });
  }

  /** Waits `delayMs` on the global timer (so fake timers drive it), ending early on abort. */
  #delay(signal: AbortSignal): Promise<void> {
    if (this.#delayMs <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(this.#aborted(signal));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, this.#delayMs);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Arguments as a stream sends them: cut after each `,` (the pieces join to the whole). */
function argumentPieces(json: string): string[] {
  return json.match(/[^,]*,|[^,]+$/g) ?? [];
}
