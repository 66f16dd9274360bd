import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replayChunks } from './replay-chunks.js';

describe('replayChunks', () => {
  it('cuts an answer into word-aligned pieces of about 16 characters', () => {
    expect(replayChunks('The parcel left our warehouse on Monday and should arrive on Thursday.')).toEqual([
      'The parcel left ',
      'our warehouse on ',
      'Monday and should ',
      'arrive on Thursday.',
    ]);
    expect(replayChunks('')).toEqual([]);
    expect(replayChunks('ok')).toEqual(['ok']);
  });

  it('cuts a long run without whitespace by code points, never inside a surrogate pair', () => {
    const text = '😀'.repeat(20);
    const chunks = replayChunks(text, 8);
    expect(chunks).toEqual(['😀'.repeat(8), '😀'.repeat(8), '😀'.repeat(4)]);
  });

  it('joins back to exactly the text, in non-empty pieces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 1, max: 64 }), (text, size) => {
        const chunks = replayChunks(text, size);
        expect(chunks.join('')).toBe(text);
        expect(chunks.every((chunk) => chunk.length > 0)).toBe(true);
      }),
    );
  });
});
