import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart } from '../../src/providers/provider.js';
import { ProviderError } from '../../src/providers/provider-error.js';

/**
 * What a `ScriptedProvider` does with one call:
 *   answer  the text (default `ok from <name>`), as JSON or streamed word by word
 *   fail    throws the error (for a stream: before any part)
 *   hang    waits until the call's signal aborts, then throws an `aborted` error
 *   break   (streams) yields `parts` text parts, then throws the error
 */
export type Step =
  | { readonly kind: 'answer'; readonly text?: string }
  | { readonly kind: 'fail'; readonly error: ProviderError }
  | { readonly kind: 'hang' }
  | { readonly kind: 'break'; readonly parts: number; readonly error: ProviderError };

/** A fake adapter for decorator tests: scripted steps, every call recorded. */
export class ScriptedProvider implements Provider {
  readonly calls: ModelCall[] = [];
  /** Streams whose generator has finished, however it ended (closed by the consumer included). */
  streamsClosed = 0;
  readonly #steps: Step[];

  constructor(
    readonly name: string,
    steps: Step[] = [],
    readonly type: ProviderType = 'anthropic',
  ) {
    this.#steps = [...steps];
  }

  /** Queues more steps; once the queue is empty, calls answer. */
  script(...steps: Step[]): this {
    this.#steps.push(...steps);
    return this;
  }

  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    this.calls.push(call);
    const step = this.#steps.shift() ?? { kind: 'answer' };
    switch (step.kind) {
      case 'answer': {
        const text = step.text ?? `ok from ${this.name}`;
        return { text, model: call.model, provider: this.name, usage: { inputTokens: 3, outputTokens: 2 }, finishReason: 'stop' };
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
    const step = this.#steps.shift() ?? { kind: 'answer' };
    try {
      if (step.kind === 'fail') throw step.error;
      if (step.kind === 'hang') await hang(this.name, signal);
      const words = (step.kind === 'answer' ? (step.text ?? `ok from ${this.name}`) : 'one two three four five').split(' ');
      for (const [index, word] of words.entries()) {
        if (step.kind === 'break' && index === step.parts) throw step.error;
        yield { type: 'text', text: index === 0 ? word : ` ${word}` };
      }
      yield { type: 'finish', model: call.model, provider: this.name, usage: { inputTokens: 3, outputTokens: words.length }, finishReason: 'stop' };
    } finally {
      this.streamsClosed++;
    }
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

/** A minimal call, as the executor builds it. */
export function modelCall(overrides: { deadline?: number; attempt?: number; model?: string } = {}): ModelCall {
  return {
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
  };
}

/** Reads a whole stream into its parts. */
export async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

function hang(provider: string, signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const abort = (): void => reject(new ProviderError(`${provider}: request aborted by the caller`, { provider, kind: 'aborted', retryable: false }));
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });
}
