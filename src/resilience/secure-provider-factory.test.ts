import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LogCapture, tempDir } from '../../test/support/gateway-harness.js';
import type { Environment } from '../config/interpolate.js';
import { normalizeConfig } from '../config/load-config.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { GatewayEventType } from '../events/gateway-events.js';
import { SecureProviderFactory } from './secure-provider-factory.js';

const ANTHROPIC_KEY = 'sk-ant-FACTORYKEY-0123456789';

function build(ossa: Record<string, unknown>, env: Environment = {}) {
  const { config } = normalizeConfig(ossa, { env });
  const logs = new LogCapture();
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const seen: { type: GatewayEventType; provider?: string }[] = [];
  for (const type of ['security.plaintext_key'] as const) {
    events.on(type, (e) => void seen.push({ type, provider: e.provider }));
  }
  const built = new SecureProviderFactory({ config, env, logger: pino(logs.stream), events, source: 'ossa.yaml' }).build();
  return { built, logs, seen };
}

const anthropic = (api_key?: string, extra: Record<string, unknown> = {}) => ({ providers: { anthropic: { ...(api_key ? { api_key } : {}), ...extra } } });

describe('SecureProviderFactory', () => {
  describe('keys', () => {
    it('disables a provider whose key is missing, with one warning naming the variable', async () => {
      const { built, logs } = build(anthropic('${ANTHROPIC_API_KEY}'));
      expect(built.errors).toEqual([]);
      expect(built.catalog.get('anthropic')).toMatchObject({ disabledReason: 'no API key: ANTHROPIC_API_KEY is not set' });
      expect(built.catalog.get('anthropic')!.provider).toBeUndefined();
      expect(logs.lines.filter((l) => l['provider'] === 'anthropic')).toEqual([expect.objectContaining({ level: 40, msg: 'provider anthropic disabled: no API key: ANTHROPIC_API_KEY is not set' })]);
      await built.close();
    });

    it('disables an anthropic or openai provider configured without any api_key', async () => {
      const { built } = build({ providers: { openai: {} } });
      expect(built.catalog.get('openai')!.disabledReason).toBe('no API key: providers.openai.api_key is not set');
      await built.close();
    });

    it.each([
      ['changeme', 'placeholder'],
      ['your-api-key', 'placeholder'],
      ['sk-xxxxxxxxxxxx', 'placeholder'],
      ['sk-ant-...', 'placeholder'],
      ['<ANTHROPIC_API_KEY>', 'placeholder'],
      ['sk-ant-abc def', 'whitespace'],
      ['sk-proj-1234567890abcdef', 'starts with "sk-ant-"'],
    ])('refuses the key %j (%s), without quoting it', async (key, why) => {
      const { built } = build(anthropic('${KEY}'), { KEY: key });
      expect(built.errors).toHaveLength(1);
      expect(built.errors[0]).toMatchObject({ file: 'ossa.yaml', path: 'providers.anthropic.api_key' });
      expect(built.errors[0]!.message).toContain(why);
      expect(built.errors[0]!.message).not.toContain(key);
      await built.close();
    });

    it('checks the vendor prefix on the vendor host, but not behind a proxy base_url', async () => {
      const vendor = build(anthropic('${KEY}', { base_url: 'https://api.anthropic.com' }), { KEY: 'proxy-key-123' });
      expect(vendor.built.errors[0]!.message).toMatch(/starts with "sk-ant-"/);
      const proxy = build(anthropic('${KEY}', { base_url: 'https://llm-proxy.internal.example' }), { KEY: 'proxy-key-123' });
      expect(proxy.built.errors).toEqual([]);
      await vendor.built.close();
      await proxy.built.close();
    });

    it('reads a key from a file: reference (Docker and Kubernetes secrets), and says where it came from', async () => {
      const file = join(tempDir(), 'anthropic_key');
      writeFileSync(file, `${ANTHROPIC_KEY}\n`);
      const { built } = build(anthropic(`file:${file}`));
      expect(built.catalog.get('anthropic')).toMatchObject({ keyOrigin: `file:${file}` });
      expect(built.catalog.get('anthropic')!.provider).toBeDefined();
      await built.close();
    });
  });

  describe('wrapping', () => {
    it('hands each checked adapter to the wrapper, with a rotation hook only for a key that can change', () => {
      const file = join(tempDir(), 'anthropic_key');
      writeFileSync(file, `${ANTHROPIC_KEY}\n`);
      const { config } = normalizeConfig({ providers: { anthropic: { api_key: `file:${file}` }, openai: { api_key: '${OPENAI_API_KEY}' } } }, { env: {} });
      const wrapped: { name: string; rotatable: boolean }[] = [];
      const built = new SecureProviderFactory({ config, env: { OPENAI_API_KEY: 'sk-FACTORYKEY-0123456789' }, logger: pino({ level: 'silent' }), events: new EventDispatcher(pino({ level: 'silent' })) }).build(
        (adapter, provider) => {
          wrapped.push({ name: provider.name, rotatable: provider.rotatable !== undefined });
          return { ...adapter, name: `wrapped ${adapter.name}`, complete: adapter.complete.bind(adapter), stream: adapter.stream.bind(adapter) };
        },
      );
      expect(wrapped).toEqual([
        { name: 'anthropic', rotatable: true },
        { name: 'openai', rotatable: false },
        { name: 'echo', rotatable: false },
      ]);
      expect(built.catalog.get('anthropic')!.provider!.name).toBe('wrapped anthropic');
    });
  });

  describe('plaintext keys', () => {
    it('warns in dev, dispatches security.plaintext_key and counts it', async () => {
      const { built, logs, seen } = build({ env: 'dev', ...anthropic(ANTHROPIC_KEY) });
      expect(built.errors).toEqual([]);
      expect(built.plaintextKeysDetected).toBe(1);
      expect(seen).toContainEqual({ type: 'security.plaintext_key', provider: 'anthropic' });
      expect(logs.messages()).toContain('provider anthropic: the API key is written in plain text in the config; use ${VAR}, file: or vault: instead');
      expect(logs.raw.join('\n')).not.toContain(ANTHROPIC_KEY);
      await built.close();
    });

    it('refuses to start in prod', async () => {
      const { built } = build({ env: 'prod', ...anthropic(ANTHROPIC_KEY) });
      expect(built.errors).toEqual([{ file: 'ossa.yaml', path: 'providers.anthropic.api_key', message: expect.stringMatching(/plain text; in prod use/) }]);
      await built.close();
    });

    it('starts in prod with security.allow_plaintext_keys: true', async () => {
      const { built } = build({ env: 'prod', security: { allow_plaintext_keys: true }, ...anthropic(ANTHROPIC_KEY) });
      expect(built.errors).toEqual([]);
      expect(built.catalog.get('anthropic')!.provider).toBeDefined();
      await built.close();
    });
  });

  describe('enforce_https', () => {
    const ollama = (base_url: string, extra: Record<string, unknown> = {}) => ({ providers: { ollama: { type: 'openai-compatible', base_url, ...extra } } });

    it('refuses plain http in prod', async () => {
      const { built } = build({ env: 'prod', ...ollama('http://10.0.0.5:11434/v1') });
      expect(built.errors).toEqual([{ file: 'ossa.yaml', path: 'providers.ollama.base_url', message: expect.stringMatching(/must be https/) }]);
      await built.close();
    });

    it.each(['http://127.0.0.1:11434/v1', 'http://localhost:11434/v1', 'http://[::1]:11434/v1'])('exempts the loopback address %s', async (url) => {
      const { built } = build({ env: 'prod', ...ollama(url) });
      expect(built.errors).toEqual([]);
      await built.close();
    });

    it('allows plain http for a provider with allow_insecure_http: true', async () => {
      const { built } = build({ env: 'prod', ...ollama('http://10.0.0.5:11434/v1', { allow_insecure_http: true }) });
      expect(built.errors).toEqual([]);
      await built.close();
    });

    it('is off in dev unless asked for', async () => {
      expect(build({ env: 'dev', ...ollama('http://10.0.0.5/v1') }).built.errors).toEqual([]);
      expect(build({ env: 'dev', security: { enforce_https: true }, ...ollama('http://10.0.0.5/v1') }).built.errors).toHaveLength(1);
    });
  });
});
