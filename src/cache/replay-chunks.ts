/** About four tokens: the size of the pieces a cached answer is replayed in. */
export const REPLAY_CHUNK_CHARS = 16;

/**
 * A cached answer cut into the pieces a stream replays it in: whole words (each with the
 * whitespace that follows it) gathered until a piece reaches `size` characters, so a client
 * renders it the way it renders a live answer, in several deltas, not one lump. A run without
 * whitespace longer than `size` (a URL, CJK text) is cut every `size` code points, never inside
 * a surrogate pair. Joined, the pieces are exactly `text`.
 */
export function replayChunks(text: string, size = REPLAY_CHUNK_CHARS): string[] {
  const chunks: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current !== '') chunks.push(current);
    current = '';
  };
  for (const word of text.match(/\s*\S+\s*|\s+/g) ?? []) {
    if (word.length > size) {
      flush();
      const points = Array.from(word);
      for (let at = 0; at < points.length; at += size) chunks.push(points.slice(at, at + size).join(''));
      continue;
    }
    current += word;
    if (current.length >= size) flush();
  }
  flush();
  return chunks;
}
