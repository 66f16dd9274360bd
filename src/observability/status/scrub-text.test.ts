import { describe, expect, it } from 'vitest';
import { scrubText } from './scrub-text.js';

describe('scrubText', () => {
  it.each([
    ['an Anthropic key', 'invalid x-api-key sk-ant-api03-ABCDEF123456', 'invalid x-api-key [redacted]'],
    ['an OpenAI key', 'Incorrect API key provided: sk-proj-abc123def456', 'Incorrect API key provided: [redacted]'],
    ['a bearer credential', 'sent Authorization: Bearer abcdef.ghijkl', 'sent Authorization: [redacted]'],
    ['a key=value pair', 'upstream said api_key=hunter2hunter2', 'upstream said [redacted]'],
    ['a long opaque token', `token ${'a1B2'.repeat(12)} rejected`, 'token [redacted] rejected'],
  ])('redacts %s', (_what, input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it('keeps ordinary provider messages as they are', () => {
    expect(scrubText('claude: upstream answered 500 (api_error)')).toBe('claude: upstream answered 500 (api_error)');
    expect(scrubText('claude: no answer within 2000 ms')).toBe('claude: no answer within 2000 ms');
  });

  it('keeps one line of at most 240 characters', () => {
    expect(scrubText('first line\nsecond line with the prompt')).toBe('first line');
    const long = scrubText('word '.repeat(100));
    expect(long).toHaveLength(240);
    expect(long.endsWith('…')).toBe(true);
  });
});
