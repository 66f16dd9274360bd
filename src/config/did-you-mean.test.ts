import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from './did-you-mean.js';

describe('suggest', () => {
  const providerKeys = ['type', 'api_key', 'base_url', 'model', 'timeout', 'max_retries', 'allow_insecure_http', 'max_connections', 'circuit_breaker'];

  it('suggests the key one typo away', () => {
    expect(suggest('timout', providerKeys)).toBe('timeout');
    expect(suggest('max_retires', providerKeys)).toBe('max_retries');
    expect(suggest('basse_url', providerKeys)).toBe('base_url');
  });

  it('suggests the snake_case key for camelCase and dashed spellings', () => {
    expect(suggest('circuitBreaker', providerKeys)).toBe('circuit_breaker');
    expect(suggest('max-connections', providerKeys)).toBe('max_connections');
    expect(suggest('API_KEY', providerKeys)).toBe('api_key');
  });

  it('stays quiet when nothing is close', () => {
    expect(suggest('colour', providerKeys)).toBeUndefined();
    expect(suggest('port', ['host'])).toBeUndefined();
    expect(suggest('x', ['y'])).toBeUndefined();
    expect(suggest('anything', [])).toBeUndefined();
  });

  it('does not suggest the word itself', () => {
    expect(suggest('timeout', ['timeout'])).toBeUndefined();
  });

  it('prefers the closest candidate', () => {
    expect(suggest('opena', ['openai-compatible', 'openai'])).toBe('openai');
  });
});

describe('editDistance', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('tiemout', 'timeout')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
