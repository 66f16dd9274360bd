import { contentText, systemText, type ModelCall, type ModelResult, type Provider, type ProviderType, type StreamPart, type Usage } from '../provider.js';
import { ProviderError } from '../provider-error.js';

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
 * The answer is exactly `"[echo] " + <content of the last user message>` (just `"[echo]"`
 * when there is no user message). `model` is always `"echo"` (`ECHO_MODEL`), so records never
 * suggest a real model answered. Usage counts whitespace-separated words: input over the system
 * prompt and every message, output over the answer. `finishReason` is always `stop`.
 * `stream` yields the answer word by word (each word with its following whitespace, so the
 * parts join to the same text), then the finish part.
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
    const text = echoText(call);
    return { text, model: ECHO_MODEL, provider: this.name, usage: echoUsage(call, text), finishReason: 'stop' };
  }

  /** The echo answer word by word (each after `delayMs`), then the finish part. */
  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    this.#throwIfAborted(signal);
    const text = echoText(call);
    for (const word of text.match(/\S+\s*/g) ?? []) {
      await this.#delay(signal);
      this.#throwIfAborted(signal);
      yield { type: 'text', text: word };
    }
    yield { type: 'finish', model: ECHO_MODEL, provider: this.name, usage: echoUsage(call, text), finishReason: 'stop' };
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

/** The echo answer for a call: `"[echo] " + <last user message>`, or `"[echo]"`. */
export function echoText(call: ModelCall): string {
  const lastUser = call.messages.findLast((message) => message.role === 'user');
  return lastUser === undefined ? '[echo]' : `[echo] ${contentText(lastUser.content)}`;
}

/** Word counts: input over system prompt and messages, output over `text`. */
export function echoUsage(call: ModelCall, text: string): Usage {
  const input = [systemText(call.system), ...call.messages.map((message) => contentText(message.content))].reduce((sum, part) => sum + countWords(part), 0);
  return { inputTokens: input, outputTokens: countWords(text) };
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word !== '').length;
}
