/**
 * One Server-Sent Events frame: an optional `event:` line, one `data:` line, a blank line.
 * `data` is JSON (which never holds a raw line break) or a literal such as OpenAI's `[DONE]`.
 *
 * @example
 * sseFrame({ text: 'Hel' }, 'delta'); // 'event: delta\ndata: {"text":"Hel"}\n\n'
 */
export function sseFrame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${payload}\n\n`;
}
