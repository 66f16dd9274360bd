import { describe, expect, it } from 'vitest';
import { SseDecoder } from './sse-decoder.js';

describe('SseDecoder', () => {
  it('returns events only once their blank line arrives, across chunk boundaries', () => {
    const decoder = new SseDecoder();
    expect(decoder.push(Buffer.from('event: ping\nda'))).toEqual([]);
    expect(decoder.push(Buffer.from('ta: {}\n'))).toEqual([]);
    expect(decoder.push(Buffer.from('\ndata: [DONE]\n\n'))).toEqual([
      { event: 'ping', data: '{}', id: undefined },
      { event: undefined, data: '[DONE]', id: undefined },
    ]);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const decoder = new SseDecoder();
    const bytes = Buffer.from('data: café\n\n');
    const cut = bytes.indexOf(0xc3) + 1;
    expect(decoder.push(bytes.subarray(0, cut))).toEqual([]);
    expect(decoder.push(bytes.subarray(cut))).toEqual([{ event: undefined, data: 'café', id: undefined }]);
  });
});
