import type { ChatMessage, ContentPart, TextPart, ToolDefinition } from '../providers/provider.js';

/** What Anthropic documents an image to cost at most: about 1.15 megapixels, the size it scales larger ones down to (tokens = width × height / 750). */
export const IMAGE_TOKENS = 1_600;
/** Tokens counted per message, for its role and turn markers. */
export const MESSAGE_TOKENS = 4;
/** Tokens counted per tool, for the framing of its definition. */
export const TOOL_TOKENS = 8;

/** What `estimateInputTokens` counts. */
export interface CountedRequest {
  readonly system?: string | readonly TextPart[];
  readonly history: readonly ChatMessage[];
  readonly input: string;
  readonly tools: readonly ToolDefinition[];
}

/**
 * An estimate of the input tokens of a request, for `POST /v1/messages/count_tokens` and for
 * what a budget holds before the upstream call:
 * not the model's tokenizer (the gateway does not have every vendor's, and asks no upstream),
 * but a count a client can budget with. The text the model reads (the system prompt, every
 * text block, each tool call's name and input JSON, each tool result, each tool's name,
 * description and input schema JSON) counts one token per 4 ASCII characters and one per
 * other character (so text in other scripts is over- rather than under-counted); each image
 * counts `IMAGE_TOKENS`, each message `MESSAGE_TOKENS`, each tool `TOOL_TOKENS`. For English
 * prose and code this lands near Claude's and GPT's own counts; it is not a billing figure.
 *
 * @example
 * estimateInputTokens({ history: [], input: 'Hello, world', tools: [] }); // 7
 */
export function estimateInputTokens(request: CountedRequest): number {
  const counter = new TextCounter();
  const system = request.system;
  if (typeof system === 'string') counter.add(system);
  else if (system !== undefined) for (const block of system) counter.add(block.text);
  let fixed = 0;
  for (const message of request.history) {
    fixed += MESSAGE_TOKENS;
    if (message.role === 'assistant') {
      counter.add(message.content);
      for (const call of message.toolCalls ?? []) counter.add(call.name, call.arguments);
    } else {
      fixed += counter.addContent(message.content);
    }
  }
  if (request.input !== '' || request.history.length === 0) {
    fixed += MESSAGE_TOKENS;
    counter.add(request.input);
  }
  for (const tool of request.tools) {
    fixed += TOOL_TOKENS;
    counter.add(tool.name, tool.description ?? '', JSON.stringify(tool.parameters));
  }
  return fixed + counter.tokens();
}

/**
 * An estimate of the tokens of text a model has written, counted as `estimateInputTokens`
 * counts text: what a stream cut short is charged for the part it sent.
 */
export function estimateTextTokens(...texts: string[]): number {
  const counter = new TextCounter();
  counter.add(...texts);
  return counter.tokens();
}

/** Counts characters the way `estimateInputTokens` documents. */
class TextCounter {
  #ascii = 0;
  #other = 0;

  add(...texts: string[]): void {
    for (const text of texts) {
      for (let i = 0; i < text.length; i += 1) {
        const code = text.charCodeAt(i);
        if (code < 0x80) this.#ascii += 1;
        // A surrogate pair is one character.
        else if (code < 0xdc00 || code > 0xdfff) this.#other += 1;
      }
    }
  }

  /** A message's content; returns the fixed tokens of its images. */
  addContent(content: string | readonly ContentPart[]): number {
    if (typeof content === 'string') {
      this.add(content);
      return 0;
    }
    let images = 0;
    for (const part of content) {
      if (part.type === 'text') this.add(part.text);
      else images += IMAGE_TOKENS;
    }
    return images;
  }

  tokens(): number {
    return Math.ceil(this.#ascii / 4) + this.#other;
  }
}
