import { randomBytes } from 'node:crypto';
import { isRecord } from './json-values.js';

// Bounds and small readers for the tool calls an upstream answers with: a model's tool call
// is untrusted input, so its shape is checked here, where it enters.

/** Tool calls one answer may carry; more is a broken (or hostile) upstream, not a model. */
export const MAX_TOOL_CALLS = 128;

/** Longest tool name or call id accepted from an upstream (both vendors allow 64 and ~40). */
const MAX_TOOL_IDENTIFIER = 256;

/** `value[key]` if it is a usable tool name or call id: a non-empty string of bounded length. */
export function toolIdentifierField(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' && field !== '' && field.length <= MAX_TOOL_IDENTIFIER ? field : undefined;
}

/**
 * A call id for an upstream that sent none (some OpenAI-compatible servers): random, in
 * OpenAI's `call_` shape, so the tool result that answers it can name it.
 */
export function generatedToolCallId(): string {
  return `call_${randomBytes(12).toString('base64url')}`;
}

/**
 * Tool arguments as JSON text: a string as it is (verbatim, even when it does not parse),
 * an object serialized (servers that send parsed arguments), nothing as `{}`.
 */
export function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '{}';
  return JSON.stringify(value);
}
