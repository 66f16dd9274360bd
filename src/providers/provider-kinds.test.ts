import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../config/load-config.js';
import { createAdapter, isProviderType, PROVIDER_KINDS, PROVIDER_TYPES, providerKind } from './provider-kinds.js';

describe('provider kinds', () => {
  it('lists every type once, each kind naming its own type', () => {
    expect(PROVIDER_TYPES).toEqual(['anthropic', 'openai', 'openai-compatible', 'echo']);
    for (const type of PROVIDER_TYPES) expect(providerKind(type).type).toBe(type);
    expect(isProviderType('openai-compatible')).toBe(true);
    expect(isProviderType('toString')).toBe(false);
  });

  it('makes the adapter of each configured type, carrying its name and type', async () => {
    const { config } = normalizeConfig(
      {
        providers: {
          claude: { type: 'anthropic', api_key: 'sk-ant-KINDS-0123456789' },
          gpt: { type: 'openai', api_key: 'sk-KINDS-0123456789' },
          local: { type: 'openai-compatible', base_url: 'http://127.0.0.1:11434/v1' },
        },
      },
      { env: {} },
    );
    for (const [name, provider] of Object.entries(config.providers)) {
      const adapter = createAdapter(name, provider, provider.api_key);
      expect({ name: adapter.name, type: adapter.type }).toEqual({ name, type: provider.type });
      await adapter.close?.();
    }
  });

  it('describes the key rules and span names the checks and traces read', () => {
    expect(Object.fromEntries(PROVIDER_TYPES.map((type) => [type, [PROVIDER_KINDS[type].key, PROVIDER_KINDS[type].keyPrefix ?? null, PROVIDER_KINDS[type].genAiSystem]]))).toEqual({
      anthropic: ['required', 'sk-ant-', 'anthropic'],
      openai: ['required', 'sk-', 'openai'],
      'openai-compatible': ['optional', null, 'openai'],
      echo: ['none', null, 'ossa.echo'],
    });
    expect(providerKind('openai-compatible').requiresBaseUrl).toBe(true);
    expect(new URL(providerKind('anthropic').defaultBaseUrl!).hostname).toBe('api.anthropic.com');
  });
});
