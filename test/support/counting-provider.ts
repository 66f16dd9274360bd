import type { ModelCall, ModelResult, Provider, StreamPart } from '../../src/providers/provider.js';
import { ProviderError } from '../../src/providers/provider-error.js';

/**
 * An in-process provider for tests of the layers above the executor (cache, single flight): counts calls, can hold
 * them until released, fail, or answer as a fallback would.
 */
export class CountingProvider implements Provider {
  readonly type = 'openai-compatible' as const;
  calls: ModelCall[] = [];
  /** Answer the next calls with an error. */
  failNext = 0;
  fallbackUsed = false;
  private held: (() => void)[] = [];
  private holding = false;

  constructor(readonly name = 'scripted') {}

  /** Calls wait until `release()`. */
  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const resume of this.held.splice(0)) resume();
  }

  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    this.calls.push(call);
    const n = this.calls.length;
    if (this.holding) {
      await new Promise<void>((resolve, reject) => {
        this.held.push(resolve);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    if (this.failNext > 0) {
      this.failNext--;
      throw new ProviderError('upstream answered 500', { provider: this.name, kind: 'http', status: 500, retryable: true });
    }
    const input = call.messages[call.messages.length - 1]?.content ?? '';
    return {
      text: `answer ${n}: ${input}`,
      model: call.model,
      provider: this.name,
      usage: { inputTokens: 10, outputTokens: 3 },
      finishReason: 'stop',
      ...(this.fallbackUsed ? { fallbackUsed: true } : {}),
    };
  }

  /** Streams fail midway after this many text parts (the next streams only). */
  breakStreamsAfter: number | undefined;
  /** Streams whose generator has finished, however it ended. */
  streamsClosed = 0;

  /** The same answer as `complete`, word by word; held, failed or broken midway as configured. */
  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    try {
      const result = await this.complete(call, signal);
      const words = result.text.match(/\S+\s*/g) ?? [];
      for (const [index, word] of words.entries()) {
        if (index === this.breakStreamsAfter) throw new ProviderError('the upstream stream broke', { provider: this.name, kind: 'network', retryable: true });
        yield { type: 'text', text: word };
      }
      const { text: _text, ...finish } = result;
      yield { type: 'finish', ...finish };
    } finally {
      this.streamsClosed++;
    }
  }
}
