import { describe, expect, it } from 'vitest';
import { countField, MAX_NAME_LENGTH, MAX_TOKEN_COUNT, nameField } from './json-values.js';

describe('countField', () => {
  it('reads whole token counts from 0 to MAX_TOKEN_COUNT', () => {
    expect(countField({ n: 0 }, 'n')).toBe(0);
    expect(countField({ n: 1234 }, 'n')).toBe(1234);
    expect(countField({ n: MAX_TOKEN_COUNT }, 'n')).toBe(MAX_TOKEN_COUNT);
  });

  it('ignores counts no upstream could mean: huge, fractional, negative, not numbers', () => {
    for (const n of [1e308, MAX_TOKEN_COUNT + 1, Number.MAX_SAFE_INTEGER, 12.5, -1, '12', null, Infinity]) expect(countField({ n }, 'n'), String(n)).toBeUndefined();
    expect(countField(JSON.parse('{"n": 1e400}'), 'n')).toBeUndefined();
  });
});

describe('nameField', () => {
  it('reads model names as upstreams write them', () => {
    for (const model of ['gpt-4o-2024-08-06', 'claude-3@20240229', 'models/gemini-1.5:latest', 'meta-llama/Llama-3.1-8B-Instruct']) expect(nameField({ model }, 'model')).toBe(model);
    expect(nameField({ model: 'm'.repeat(MAX_NAME_LENGTH) }, 'model')).toHaveLength(MAX_NAME_LENGTH);
  });

  it('refuses names that are too long or could split a log line or a label', () => {
    for (const model of ['m'.repeat(MAX_NAME_LENGTH + 1), 'x'.repeat(1_000_000), '', 'gpt 4', 'a\nb', 'a"b', "a'b", 'gpt-4\u001b[31m', 'modèle', 42]) {
      expect(nameField({ model }, 'model'), JSON.stringify(model).slice(0, 40)).toBeUndefined();
    }
  });
});
