import { performance } from 'node:perf_hooks';
import type { ContentPart, ToolCall, ToolResultMessage } from '../providers/provider.js';
import type { SecretRedactor } from '../secrets/known-secrets.js';
import type { ServerTool, ToolOutput } from './server-tool.js';
import { parseToolArguments } from './tool-arguments.js';

/** How one tool call ended. `error`: the tool threw or said it failed; the others say why it did not run to the end. */
export type ToolCallOutcome = 'ok' | 'error' | 'invalid_arguments' | 'timeout' | 'aborted';

/** An error message told to the model is cut to this many characters. */
export const MAX_TOOL_ERROR_CHARS = 1000;

export interface ToolCallSettings {
  readonly requestId: string;
  readonly agent: string;
  readonly userId?: string;
  /** The whole run's signal (client gone, run deadline): it ends this call too. */
  readonly signal: AbortSignal;
  /** The run's deadline (epoch ms): no call outlives it. */
  readonly runDeadline?: number;
  readonly maxResultBytes: number;
  readonly secrets: SecretRedactor;
  readonly now: () => number;
}

/** One finished tool call: the result the model is sent, and what the records count. */
export interface ToolCallReport {
  readonly call: ToolCall;
  readonly tool: ServerTool;
  readonly message: ToolResultMessage;
  readonly outcome: ToolCallOutcome;
  readonly durationMs: number;
  readonly argumentBytes: number;
  readonly resultBytes: number;
  /** The result was longer than `maxResultBytes` and was cut. */
  readonly truncated: boolean;
}

/**
 * Runs one call of a server tool, never throwing: the arguments are checked against the
 * tool's schema first; a throw, an `isError` output, a call past its timeout (the tool's
 * `timeoutMs`, within the run's deadline) or an aborted run become a tool result with
 * `isError`. Everything the model is sent is redacted against the gateway's secrets and cut
 * to `maxResultBytes`.
 */
export async function runToolCall(tool: ServerTool, call: ToolCall, settings: ToolCallSettings): Promise<ToolCallReport> {
  const started = performance.now();
  const argumentBytes = Buffer.byteLength(call.arguments);
  const report = (outcome: ToolCallOutcome, output: ToolOutput): ToolCallReport => {
    const bounded = boundContent(output.content, settings.maxResultBytes, settings.secrets);
    const isError = outcome !== 'ok';
    return {
      call, tool, outcome, argumentBytes,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      resultBytes: bounded.bytes,
      truncated: bounded.truncated,
      message: { role: 'tool', toolCallId: call.id, name: call.name, content: bounded.content, ...(isError ? { isError: true } : {}) },
    };
  };

  const parsed = parseToolArguments(call.arguments, tool.definition.parameters);
  if ('error' in parsed) return report('invalid_arguments', { content: `${call.name}: ${parsed.error}` });
  if (settings.signal.aborted) return report('aborted', { content: `${call.name}: the run was stopped before the tool ran` });

  const now = settings.now();
  const deadline = Math.min(now + tool.timeoutMs, settings.runDeadline ?? Number.POSITIVE_INFINITY);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), Math.max(0, deadline - now));
  const signal = AbortSignal.any([settings.signal, timeout.signal]);
  let stopped: () => void = () => undefined;
  // Raced: a tool that ignores its signal cannot hold the run past its timeout.
  const stop = new Promise<'stopped'>((resolve) => (stopped = () => resolve('stopped')));
  signal.addEventListener('abort', stopped, { once: true });
  try {
    const ran = tool.run(parsed.args, {
      signal, requestId: settings.requestId, agent: settings.agent, callId: call.id, deadline,
      ...(settings.userId !== undefined ? { userId: settings.userId } : {}),
    });
    const output = await Promise.race([ran, stop]);
    if (output === 'stopped') {
      // Whatever it does later is nobody's business: not an unhandled rejection.
      ran.catch(() => undefined);
      if (timeout.signal.aborted && !settings.signal.aborted) {
        const seconds = Math.round((deadline - now) / 100) / 10;
        return report('timeout', { content: `${call.name}: the tool did not answer within ${seconds} s` });
      }
      return report('aborted', { content: `${call.name}: the run was stopped while the tool ran` });
    }
    return report(output.isError === true ? 'error' : 'ok', output);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return report('error', { content: `${call.name} failed: ${message.slice(0, MAX_TOOL_ERROR_CHARS)}` });
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stopped);
  }
}

/** The content redacted and cut to `maxBytes` (its text; images count their data). */
function boundContent(content: string | readonly ContentPart[], maxBytes: number, secrets: SecretRedactor): { content: string | ContentPart[]; bytes: number; truncated: boolean } {
  if (typeof content === 'string') {
    const cut = cutText(secrets.redact(content), maxBytes);
    return { content: cut.text, bytes: cut.bytes, truncated: cut.truncated };
  }
  let left = maxBytes;
  let bytes = 0;
  let truncated = false;
  const parts: ContentPart[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      const cut = cutText(secrets.redact(part.text), left);
      bytes += cut.bytes;
      truncated ||= cut.truncated;
      left -= Math.min(left, Buffer.byteLength(cut.text));
      parts.push({ type: 'text', text: cut.text });
    } else {
      const size = part.source.kind === 'url' ? part.source.url.length : part.source.data.length;
      bytes += size;
      if (size > left) {
        truncated = true;
        parts.push({ type: 'text', text: `[an image of ${size} bytes was left out: the result is limited to ${maxBytes} bytes]` });
      } else {
        left -= size;
        parts.push(part);
      }
    }
  }
  return { content: parts, bytes, truncated };
}

function cutText(text: string, maxBytes: number): { text: string; bytes: number; truncated: boolean } {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return { text, bytes, truncated: false };
  // Cut on a character boundary: decoding a cut UTF-8 sequence drops its partial character.
  const head = Buffer.from(text).subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, '');
  return { text: `${head}\n[truncated: the result was ${bytes} bytes, the limit is ${maxBytes}]`, bytes, truncated: true };
}
