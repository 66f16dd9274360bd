import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart } from '../../src/providers/provider.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import { modelCall } from './model-call.js';

/**
 * What a `ScriptedProvider` does with one call:
 *   answer  `text` (default: the provider's `answerText`), as JSON or streamed word by word;
 *           `fallbackUsed` makes it look like a fallback's answer (as a chain reports one)
 *   fail    throws the error (for a stream: before any part)
 *   hang    waits until the call's signal aborts, then throws an `aborted` error
 *   break   (streams) yields `parts` text parts, then throws the error
 */
export type Step =
  | { readonly kind: 'answer'; readonly text?: string; readonly fallbackUsed?: boolean }
  | { readonly kind: 'fail'; readonly error: ProviderError }
  | { readonly kind: 'hang' }
  | { readonly kind: 'break'; readonly parts: number; readonly error: ProviderError };

/**
 * The in-process provider of unit tests, for decorators (breaker, audit, fallback chain) and
 * for the layers above the executor (cache, single flight): scripted steps, every call
 * recorded, and calls that can be held until released.
 */
export class ScriptedProvider implements Provider {
  readonly calls: ModelCall[] = [];
  /** Streams whose generator has finished, however it ended (closed by the consumer included). */
  streamsClosed = 0;
  /** The text of an answer whose step names none; `n` counts calls from 1. */
  answerText: (call: ModelCall, n: number) => string;
  readonly #steps: Step[];
  #held: (() => void)[] | undefined;

  constructor(
    readonly name: string,
    steps: Step[] = [],
    readonly type: ProviderType = 'anthropic',
  ) {
    this.#steps = [...steps];
    this.answerText = () => `ok from ${name}`;
  }

  /** Queues more steps; once the queue is empty, calls answer. */
  script(...steps: Step[]): this {
    this.#steps.push(...steps);
    return this;
  }

  /** Makes `complete()` calls wait, from their arrival, until `release()` (or their signal aborts). */
  hold(): void {
    this.#held ??= [];
  }

  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const resume of held) resume();
  }

  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    this.calls.push(call);
    const n = this.calls.length;
    if (this.#held) await this.#wait(this.#held, signal);
    const step = this.#steps.shift() ?? { kind: 'answer' };
    switch (step.kind) {
      case 'answer': {
        const text = step.text ?? this.answerText(call, n);
        return { text, model: call.model, provider: this.name, usage: { inputTokens: 3, outputTokens: 2 }, finishReason: 'stop', ...(step.fallbackUsed ? { fallbackUsed: true } : {}) };
      }
      case 'fail':
      case 'break':
        throw step.error;
      case 'hang':
        return hang(this.name, signal);
    }
  }

  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    this.calls.push(call);
    const n = this.calls.length;
    const step = this.#steps.shift() ?? { kind: 'answer' };
    try {
      if (step.kind === 'fail') throw step.error;
      if (step.kind === 'hang') await hang(this.name, signal);
      const words = (step.kind === 'answer' ? (step.text ?? this.answerText(call, n)) : 'one two three four five').split(' ');
      for (const [index, word] of words.entries()) {
        if (step.kind === 'break' && index === step.parts) throw step.error;
        yield { type: 'text', text: index === 0 ? word : ` ${word}` };
      }
      const fallbackUsed = step.kind === 'answer' && step.fallbackUsed === true;
      yield { type: 'finish', model: call.model, provider: this.name, usage: { inputTokens: 3, outputTokens: words.length }, finishReason: 'stop', ...(fallbackUsed ? { fallbackUsed: true } : {}) };
    } finally {
      this.streamsClosed++;
    }
  }

  #wait(held: (() => void)[], signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      held.push(resolve);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}

/** A retryable HTTP failure of `provider`. */
export function httpError(provider: string, status: number, retryAfterMs?: number): ProviderError {
  return new ProviderError(`${provider} answered ${status}`, {
    provider,
    kind: 'http',
    status,
    retryable: status === 429 || status >= 500,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** The call the `support` agent makes, as the executor builds it: one question, user `ada`, two tools. */
export function supportCall(overrides: { deadline?: number; attempt?: number; model?: string } = {}): ModelCall {
  return modelCall({
    model: overrides.model ?? 'claude-sonnet-4-5',
    system: 'You are a test agent.',
    messages: [{ role: 'user', content: 'Where is my order?' }],
    temperature: 0.5,
    maxTokens: 100,
    meta: {
      requestId: 'req-1',
      agent: { name: 'support', version: '1.0.0' },
      userId: 'ada',
      toolsCount: 2,
      ...(overrides.deadline !== undefined ? { deadline: overrides.deadline } : {}),
      ...(overrides.attempt !== undefined ? { attempt: overrides.attempt } : {}),
    },
  });
}

function hang(provider: string, signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const abort = (): void => reject(new ProviderError(`${provider}: request aborted by the caller`, { provider, kind: 'aborted', retryable: false }));
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });
}
