/** Where a field sits in a request body: `['messages', 2, 'tool_call_id']`. */
export type FieldPath = readonly (string | number)[];

/**
 * A request field that is present but wrong, found by a check both surfaces share (tool
 * definitions, tool results, response formats). Each surface answers it in its own shape:
 * OpenAI's `param` (`messages[2].tool_call_id`, `param()`), problem+json's `errors[].field`
 * (`body.messages.2.tool_call_id`, `field()`). `reason` completes the sentence after the
 * path: "is required", "names no tool call of an earlier assistant message".
 */
export class InvalidFieldError extends Error {
  override readonly name = 'InvalidFieldError';

  constructor(
    readonly path: FieldPath,
    readonly reason: string,
  ) {
    // An answer to a client, not a bug: no stack is needed.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(reason);
    Error.stackTraceLimit = limit;
  }

  /** The path as OpenAI names a parameter: `messages[2].tool_call_id`. */
  param(): string {
    let text = '';
    for (const part of this.path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
    return text;
  }

  /** The path as the native API's validation errors name a field: `body.messages.2.tool_call_id`. */
  field(): string {
    return ['body', ...this.path].join('.');
  }
}
