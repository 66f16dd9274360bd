import type { ModelCall, ModelResult, Provider, ProviderType, StreamPart, ToolCall } from '../providers/provider.js';
import type { SecretRedactor } from './known-secrets.js';
import type { StreamRedactor } from './secret-scanner.js';

/** Error causes followed when redacting a thrown error's message and stack. */
const MAX_CAUSES = 4;

/**
 * The boundary check on everything an upstream sends back: the answer's text, each tool call's
 * id, name and arguments, the model name, the stop sequence, and the message (and stack) of
 * any error thrown. Each is checked against the gateway's own secrets and every match
 * replaced by `[redacted]` before any other layer sees it, so an upstream that echoes a key
 * (exactly, case-folded, with `-` and `_` exchanged) cannot get it into a response, a log, an
 * audit record, the status page or a metric label. Sits innermost, right around the adapter.
 *
 * A streamed text holds back only a tail that may be the start of a secret (the redactor's
 * partial match), released with the next part or at the end; tool-call arguments likewise, per
 * call.
 *
 * @example
 * const provider = new SecretRedactingProvider(adapter, knownSecrets);
 */
export class SecretRedactingProvider implements Provider {
  readonly name: string;
  readonly type: ProviderType;
  readonly #inner: Provider;
  readonly #secrets: SecretRedactor;

  constructor(inner: Provider, secrets: SecretRedactor) {
    this.name = inner.name;
    this.type = inner.type;
    this.#inner = inner;
    this.#secrets = secrets;
  }

  async complete(call: ModelCall, signal: AbortSignal): Promise<ModelResult> {
    let result: ModelResult;
    try {
      result = await this.#inner.complete(call, signal);
    } catch (error) {
      throw redactError(error, this.#secrets);
    }
    return this.#result(result);
  }

  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    const secrets = this.#secrets;
    const text = secrets.stream();
    const args = new Map<number, StreamRedactor>();
    const heldText = (): StreamPart[] => {
      const rest = text.flush();
      return rest === '' ? [] : [{ type: 'text', text: rest }];
    };
    try {
      for await (const part of this.#inner.stream(call, signal)) {
        switch (part.type) {
          case 'text': {
            const out = text.push(part.text);
            if (out !== '') yield out === part.text ? part : { type: 'text', text: out };
            break;
          }
          case 'tool-call-start':
            // What the text held back came before this call.
            yield* heldText();
            args.set(part.index, secrets.stream());
            yield { ...part, id: secrets.redact(part.id), name: secrets.redact(part.name) };
            break;
          case 'tool-call-delta': {
            const stream = args.get(part.index);
            const out = stream ? stream.push(part.argumentsDelta) : secrets.redact(part.argumentsDelta);
            if (out !== '') yield out === part.argumentsDelta ? part : { ...part, argumentsDelta: out };
            break;
          }
          case 'tool-call-end': {
            const rest = args.get(part.index)?.flush() ?? '';
            args.delete(part.index);
            if (rest !== '') yield { type: 'tool-call-delta', index: part.index, argumentsDelta: rest };
            yield part;
            break;
          }
          case 'finish': {
            yield* heldText();
            for (const [index, stream] of args) {
              const rest = stream.flush();
              if (rest !== '') yield { type: 'tool-call-delta', index, argumentsDelta: rest };
            }
            args.clear();
            const { stopSequence } = part;
            yield { ...part, model: secrets.redact(part.model), ...(stopSequence !== undefined ? { stopSequence: secrets.redact(stopSequence) } : {}) };
            break;
          }
          case 'start':
            yield { ...part, model: secrets.redact(part.model) };
            break;
          default: {
            const unknown: never = part;
            throw new Error(`unexpected stream part ${JSON.stringify(unknown)}`);
          }
        }
      }
      // A stream that ended without its finish part: what was held is still text of the answer.
      yield* heldText();
    } catch (error) {
      throw redactError(error, secrets);
    }
  }

  #result(result: ModelResult): ModelResult {
    const secrets = this.#secrets;
    const text = secrets.redact(result.text);
    const model = secrets.redact(result.model);
    const stopSequence = result.stopSequence === undefined ? undefined : secrets.redact(result.stopSequence);
    const toolCalls = result.toolCalls?.map((call) => redactToolCall(call, secrets));
    const changed =
      text !== result.text || model !== result.model || stopSequence !== result.stopSequence ||
      (toolCalls !== undefined && toolCalls.some((call, i) => call !== result.toolCalls![i]));
    if (!changed) return result;
    return { ...result, text, model, ...(stopSequence !== undefined ? { stopSequence } : {}), ...(toolCalls ? { toolCalls } : {}) };
  }
}

/**
 * The layer factory: `redactSecrets(secrets)(adapter)`.
 *
 * @example
 * const provider = redactSecrets(knownSecrets)(adapter);
 */
export function redactSecrets(secrets: SecretRedactor): (inner: Provider) => Provider {
  return (inner) => new SecretRedactingProvider(inner, secrets);
}

function redactToolCall(call: ToolCall, secrets: SecretRedactor): ToolCall {
  const id = secrets.redact(call.id);
  const name = secrets.redact(call.name);
  const args = secrets.redact(call.arguments);
  return id === call.id && name === call.name && args === call.arguments ? call : { ...call, id, name, arguments: args };
}

/**
 * The error with its message and stack redacted, and its causes' (the error is changed in
 * place, so its class and fields stay: a `ProviderError` is still one, with its `retryable`).
 */
export function redactError(error: unknown, secrets: SecretRedactor): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && current instanceof Error; depth++) {
    const message = secrets.redact(current.message);
    if (message !== current.message) current.message = message;
    if (typeof current.stack === 'string') {
      const stack = secrets.redact(current.stack);
      if (stack !== current.stack) current.stack = stack;
    }
    current = current.cause;
  }
  return error;
}
